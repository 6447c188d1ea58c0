// Seeded random numbers for reference weights: mulberry32 (32-bit state, fast, good enough for
// weights) plus polar-method normals. Every tensor gets its own stream derived from (seed, name),
// so a tensor's values do not depend on the order in which a builder creates tensors.

const TWO_POW_32 = 4294967296;
const TWO_POW_31 = 2147483648;

/** A 32-bit stream seed from a base seed and a label (FNV-1a over the label, then a murmur finalizer). */
export function streamSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  h ^= Math.floor(seed / TWO_POW_32); // seeds above 2^32 still differ
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  static forStream(seed: number, label: string): Rng {
    return new Rng(streamSeed(seed, label));
  }

  /** Next raw 32-bit unsigned integer (mulberry32). */
  nextUint32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  fillUniform(out: Float32Array, lo: number, hi: number): Float32Array {
    const span = (hi - lo) / TWO_POW_32;
    for (let i = 0; i < out.length; i++) out[i] = lo + this.nextUint32() * span;
    return out;
  }

  /**
   * Normal(mean, std) by Marsaglia's polar method: no trigonometry, so about twice as fast as
   * Box-Muller. The generator is inlined because bert-base draws 110M values and a method call
   * per draw costs seconds.
   */
  fillNormal(out: Float32Array, mean: number, std: number): Float32Array {
    let s = this.state;
    const n = out.length;
    let i = 0;
    while (i < n) {
      s = (s + 0x6d2b79f5) | 0;
      let t = Math.imul(s ^ (s >>> 15), s | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const u = ((t ^ (t >>> 14)) | 0) / TWO_POW_31; // [-1, 1)
      s = (s + 0x6d2b79f5) | 0;
      t = Math.imul(s ^ (s >>> 15), s | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const v = ((t ^ (t >>> 14)) | 0) / TWO_POW_31;
      const q = u * u + v * v;
      if (q >= 1 || q === 0) continue; // outside the unit disc: draw again
      const f = std * Math.sqrt((-2 * Math.log(q)) / q);
      out[i++] = mean + u * f;
      if (i < n) out[i++] = mean + v * f;
    }
    this.state = s;
    return out;
  }
}
