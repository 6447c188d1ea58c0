// A memory-bounded, mergeable histogram of float32 activations that never keeps the values.
//
// Grid: the bin width is a power of two, 2^exp, and bin edges are integer multiples of it, so a
// value's global bin index is floor(v * 2^-exp) — exact, because scaling by a power of two is
// exact in float64. Widening the range doubles the width, and every old bin then lies wholly
// inside one new bin (global index floor(g / 2^k)): growth never splits a bin proportionally
// and adds no error beyond the coarser resolution itself.
//
// Canonical state: exp is the smallest one (not finer than float32 resolution at the largest
// |x|) at which [min, max] spans at most `bins` bins, and bin 0 is the bin holding min. Both
// depend only on the multiset of finite values seen, and "fits" is monotone in the width, so
// observing A then B, observing A and B in one batch, and merging the histograms of A and B
// give identical counts: merge is exact, whatever the split or order.
//
// Cost of power-of-two widths: between bins/2 + 1 and bins bins hold data, never fewer.

import { floorLog2, pow2 } from "./float-bits.js";
import { addNonFinite, noNonFinite, scanFinite, type NonFiniteCounts } from "./scan.js";
import { binValues } from "./bin-loop.js";

export const DEFAULT_BINS = 2048;

/** No bin is narrower than float32's smallest subnormal: finer bins cannot separate values. */
const MIN_EXP = -149;
/** ...nor narrower than one float32 ulp at the largest |x| (23 stored fraction bits). */
const FLOAT32_FRACTION_BITS = 23;
const MAX_BINS = 2 ** 24;

/**
 * A contiguous run of bins, as the range searches read them. Bin i covers
 * [start + i*width, start + (i+1)*width), clipped to [min, max] (the exact extremes), and
 * `start` is a multiple of `width`, so zero lies on a bin edge.
 */
export interface Binned {
  readonly counts: Float64Array;
  readonly start: number;
  readonly width: number;
  readonly min: number;
  readonly max: number;
  /** Sum of counts. */
  readonly total: number;
}

/** Lower edge of bin i, clipped to the data. */
export function binLow(b: Binned, i: number): number {
  return Math.max(b.start + i * b.width, b.min);
}

/** Upper edge of bin i, clipped to the data. */
export function binHigh(b: Binned, i: number): number {
  return Math.min(b.start + (i + 1) * b.width, b.max);
}

/** Bin-edge position of zero, relative to bin 0 (an integer; may lie outside the run). */
export function zeroEdge(b: Binned): number {
  return -b.start / b.width;
}

export interface HistogramJSON {
  bins: number;
  exp: number;
  offset: number;
  /** Counts of the occupied bins only: [] when no finite value was seen. */
  counts: number[];
  min: number;
  max: number;
  nan: number;
  posInf: number;
  negInf: number;
}

export class Histogram {
  readonly bins: number;
  readonly #nonFinite = noNonFinite();
  #counts: Float64Array;
  /** Bin width is 2^exp. */
  #exp = MIN_EXP;
  /** Global index (floor(v / width)) of bin 0. */
  #offset = 0;
  /** Bins 0..used-1 span [min, max]; the rest are zero. */
  #used = 0;
  #finite = 0;
  #min = Infinity;
  #max = -Infinity;

  constructor(bins = DEFAULT_BINS) {
    if (!Number.isInteger(bins) || bins < 2 || bins > MAX_BINS) throw new RangeError(`histogram bins must be an integer in [2, ${MAX_BINS}], got ${bins}`);
    this.bins = bins;
    this.#counts = new Float64Array(bins);
  }

  /** Count of finite values seen. */
  get finite(): number {
    return this.#finite;
  }
  get nonFinite(): Readonly<NonFiniteCounts> {
    return this.#nonFinite;
  }
  /** Smallest finite value seen (Infinity when none). */
  get min(): number {
    return this.#min;
  }
  /** Largest finite value seen (-Infinity when none). */
  get max(): number {
    return this.#max;
  }
  get width(): number {
    return pow2(this.#exp);
  }
  /** Lower edge of bin 0. */
  get start(): number {
    return this.#offset * pow2(this.#exp);
  }
  /** Number of bins from the one holding min to the one holding max. */
  get used(): number {
    return this.#used;
  }
  count(i: number): number {
    return this.#counts[i] ?? 0;
  }

  add(values: Float32Array): void {
    const s = scanFinite(values);
    addNonFinite(this.#nonFinite, s);
    if (s.finite === 0) return;
    this.#include(s.min, s.max, this.#exp);
    binValues(values, this.#counts, pow2(-this.#exp), this.#offset, s.finite === values.length);
    this.#finite += s.finite;
  }

  merge(other: Histogram): void {
    if (other.bins !== this.bins) throw new Error(`cannot merge histograms with ${this.bins} and ${other.bins} bins`);
    addNonFinite(this.#nonFinite, other.#nonFinite);
    if (other.#finite === 0) return;
    this.#include(other.#min, other.#max, Math.max(this.#exp, other.#exp));
    const scale = pow2(other.#exp - this.#exp);
    const from = other.#counts;
    const into = this.#counts;
    for (let i = 0; i < other.#used; i++) {
      const c = from[i]!;
      if (c !== 0) into[Math.floor((other.#offset + i) * scale) - this.#offset]! += c;
    }
    this.#finite += other.#finite;
  }

  clone(): Histogram {
    const h = new Histogram(this.bins);
    h.merge(this);
    return h;
  }

  /** The occupied bins, signed values. */
  view(): Binned {
    const width = pow2(this.#exp);
    return {
      counts: this.#counts.slice(0, this.#used),
      start: this.#offset * width,
      width,
      min: this.#finite ? this.#min : 0,
      max: this.#finite ? this.#max : 0,
      total: this.#finite,
    };
  }

  /**
   * The histogram of |x|: the grid is symmetric about zero (edges at multiples of the width),
   * so bin [g, g+1) of a negative g folds exactly onto |x| bin [-g-1, -g).
   */
  absView(): Binned {
    const width = pow2(this.#exp);
    if (this.#finite === 0) return { counts: new Float64Array(0), start: 0, width, min: 0, max: 0, total: 0 };
    const first = this.#offset;
    const last = this.#offset + this.#used - 1;
    const fold = (g: number) => (g >= 0 ? g : -g - 1);
    const lo = first >= 0 ? first : last < 0 ? fold(last) : 0;
    const hi = Math.max(fold(first), fold(last));
    const counts = new Float64Array(hi - lo + 1);
    for (let i = 0; i < this.#used; i++) counts[fold(first + i) - lo]! += this.#counts[i]!;
    // Smallest |x| is only known when the data lies on one side of zero.
    const min = this.#min >= 0 ? this.#min : this.#max <= 0 ? -this.#max : 0;
    return { counts, start: lo * width, width, min, max: Math.max(-this.#min, this.#max), total: this.#finite };
  }

  toJSON(): HistogramJSON {
    const empty = this.#finite === 0;
    return {
      bins: this.bins,
      exp: this.#exp,
      offset: this.#offset,
      counts: Array.from(this.#counts.subarray(0, this.#used)),
      min: empty ? 0 : this.#min,
      max: empty ? 0 : this.#max,
      ...this.#nonFinite,
    };
  }

  static fromJSON(json: unknown): Histogram {
    const j = json as HistogramJSON;
    const bad = (why: string) => new Error(`invalid histogram JSON: ${why}`);
    if (typeof j !== "object" || j === null) throw bad("not an object");
    const h = new Histogram(j.bins);
    for (const k of ["nan", "posInf", "negInf"] as const) {
      if (!isCount(j[k])) throw bad(`${k} is not a count`);
      h.#nonFinite[k] = j[k];
    }
    if (!Array.isArray(j.counts) || j.counts.length > h.bins || !j.counts.every(isCount)) throw bad("counts");
    if (j.counts.length === 0) return h;
    if (!Number.isInteger(j.exp) || j.exp < MIN_EXP || j.exp > 1023 - FLOAT32_FRACTION_BITS) throw bad("exp");
    if (!Number.isFinite(j.min) || !Number.isFinite(j.max) || j.min > j.max) throw bad("min/max");
    const inv = pow2(-j.exp);
    // The layout must be the canonical one, or later merges would not line up.
    if (Math.floor(j.min * inv) !== j.offset || Math.floor(j.max * inv) - j.offset + 1 !== j.counts.length) throw bad("offset/counts do not match min/max");
    if (requiredExp(j.min, j.max, j.exp, h.bins) !== j.exp) throw bad("exp does not fit the range");
    h.#exp = j.exp;
    h.#offset = j.offset;
    h.#used = j.counts.length;
    h.#min = j.min;
    h.#max = j.max;
    h.#counts.set(j.counts);
    h.#finite = j.counts.reduce((a, b) => a + b, 0);
    return h;
  }

  /** Widens the grid to cover [lo, hi] as well, with width at least 2^minExp. */
  #include(lo: number, hi: number, minExp: number): void {
    // + 0 turns -0 into 0, so it never reaches JSON (which drops the sign) or a range.
    const min = Math.min(this.#min, lo) + 0;
    const max = Math.max(this.#max, hi) + 0;
    const exp = requiredExp(min, max, this.#finite === 0 ? MIN_EXP : minExp, this.bins);
    const inv = pow2(-exp);
    const offset = Math.floor(min * inv);
    if (this.#finite > 0 && (exp !== this.#exp || offset !== this.#offset)) {
      const fresh = new Float64Array(this.bins);
      const scale = pow2(this.#exp - exp);
      for (let i = 0; i < this.#used; i++) {
        const c = this.#counts[i]!;
        if (c !== 0) fresh[Math.floor((this.#offset + i) * scale) - offset]! += c;
      }
      this.#counts = fresh;
    }
    this.#exp = exp;
    this.#offset = offset;
    this.#used = Math.floor(max * inv) - offset + 1;
    this.#min = min;
    this.#max = max;
  }
}

/** Smallest admissible exponent >= lower at which [min, max] spans at most `bins` bins. */
function requiredExp(min: number, max: number, lower: number, bins: number): number {
  const maxAbs = Math.max(-min, max);
  let exp = Math.max(lower, MIN_EXP, maxAbs > 0 ? floorLog2(maxAbs) - FLOAT32_FRACTION_BITS : MIN_EXP);
  const span = max - min;
  // A lower bound (width must exceed span/bins), one below to absorb rounding of span/bins.
  if (span > 0) exp = Math.max(exp, floorLog2(span / bins) - 1);
  for (;;) {
    const inv = pow2(-exp);
    if (Math.floor(max * inv) - Math.floor(min * inv) < bins) return exp;
    exp++;
  }
}

function isCount(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x) && x >= 0;
}
