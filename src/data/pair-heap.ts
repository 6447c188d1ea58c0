// A binary max-heap of (count, key) for vocabulary building: highest count first, ties broken by
// the smaller key so the result never depends on insertion order. Entries may go stale; the caller
// checks a popped count against its live table and skips mismatches (lazy deletion).

export interface PairEntry {
  readonly count: number;
  readonly key: string;
}

export class PairHeap {
  private readonly items: PairEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  push(e: PairEntry): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  pop(): PairEntry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < a.length && before(a[l]!, a[best]!)) best = l;
      if (r < a.length && before(a[r]!, a[best]!)) best = r;
      if (best === i) break;
      [a[i], a[best]] = [a[best]!, a[i]!];
      i = best;
    }
    return top;
  }
}

function before(x: PairEntry, y: PairEntry): boolean {
  return x.count > y.count || (x.count === y.count && x.key < y.key);
}
