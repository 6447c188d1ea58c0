// A small deterministic random source for the fuzzer: the same (campaign seed, mutant index) always
// gives the same mutant, on every machine, so `npm run fuzz -- --seed S --only N` reproduces it.

export class Rng {
  private s: number;

  constructor(...keys: number[]) {
    // Mix every key into a 32-bit state (an xorshift-multiply hash per key).
    let h = 0x9e3779b9;
    for (const k of keys) {
      h ^= k >>> 0;
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      h ^= h >>> 16;
      h ^= Math.floor(k / 2 ** 32) >>> 0;
    }
    this.s = h >>> 0 || 1;
  }

  /** Uniform in [0, 1). */
  next(): number {
    // mulberry-style step
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[this.int(items.length)]!;
  }

  /** Picks by weight: `[[weight, item], …]`. */
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    const total = items.reduce((a, [w]) => a + w, 0);
    let r = this.next() * total;
    for (const [w, item] of items) if ((r -= w) < 0) return item;
    return items[items.length - 1]![1];
  }
}
