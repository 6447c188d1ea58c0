// The single authority for names in a model: every value and node name handed out is unique
// across the main graph and all subgraphs, as ONNX requires.

export class NameAuthority {
  private readonly used = new Set<string>();
  private readonly counters = new Map<string, number>();

  has(name: string): boolean {
    return this.used.has(name);
  }

  /** Records an existing name (from a loaded model). */
  claim(name: string): void {
    if (name) this.used.add(name);
  }

  release(name: string): void {
    this.used.delete(name);
  }

  /** A new name starting with `base`, never handed out before. */
  fresh(base: string): string {
    const stem = base || "v";
    if (!this.used.has(stem)) {
      this.used.add(stem);
      return stem;
    }
    let n = this.counters.get(stem) ?? 1;
    let name = `${stem}_${n}`;
    while (this.used.has(name)) name = `${stem}_${++n}`;
    this.counters.set(stem, n + 1);
    this.used.add(name);
    return name;
  }
}
