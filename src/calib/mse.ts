// MSE calibration: the clipping range with the least expected squared quantization error,
// estimated from the histogram for a given number of levels (256 for 8 bits, 65536 for 16).
// For a range [a, b] with step d:
//   inside: rounding error, d^2 / 12 per value (values uniform relative to the step grid),
//   outside: clipping error (x - edge)^2, with each bin's mass uniform over the bin (clipped to
//            the exact min/max), i.e. (center - edge)^2 + width^2 / 12 per value.
// Candidate edges are bin edges, so the answer is within a bin width of the continuous optimum.
//
// Symmetric: [-t, t] with d = t / floor((levels - 1) / 2) (±127 for int8, as ONNX symmetric
// quantization uses), t searched over the |x| histogram.
// Asymmetric: every [a, b] on bin edges (O(bins^2), each O(1) from prefix sums), with
// d = (max(b, 0) - min(a, 0)) / (levels - 1): ONNX keeps zero in the range, so values between
// zero and the data are never clipped and only edges on the far side of zero are candidates.
//
// Coordinates are in bins relative to the run's start, which keeps the prefix sums of squares
// small (no cancellation even when the data sits far from zero).

import { binHigh, binLow, zeroEdge, type Binned } from "./histogram.js";
import { LevelsObserver, type LevelsJSON, type LevelsOptions } from "./levels-observer.js";
import type { Range } from "./observer.js";

/** Prefix sums for the clipping error of mass beyond an edge, in bin units. */
class ClipError {
  readonly n: number;
  /** Exact extremes in bin units. */
  readonly tmin: number;
  readonly tmax: number;
  readonly #count: Float64Array;
  readonly #first: Float64Array; // sum of c * center
  readonly #second: Float64Array; // sum of c * (center^2 + width^2 / 12)

  constructor(b: Binned) {
    const n = b.counts.length;
    this.n = n;
    this.tmin = (b.min - b.start) / b.width;
    this.tmax = (b.max - b.start) / b.width;
    this.#count = new Float64Array(n + 1);
    this.#first = new Float64Array(n + 1);
    this.#second = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const c = b.counts[i]!;
      const lo = Math.max(i, this.tmin);
      const hi = Math.min(i + 1, this.tmax);
      const m = (lo + hi) / 2;
      this.#count[i + 1] = this.#count[i]! + c;
      this.#first[i + 1] = this.#first[i]! + c * m;
      this.#second[i + 1] = this.#second[i]! + c * (m * m + ((hi - lo) * (hi - lo)) / 12);
    }
  }

  /** Values in bins [from, to). */
  count(from: number, to: number): number {
    return this.#count[to]! - this.#count[from]!;
  }

  /** Sum of (x - edge)^2 over the values in bins [from, to). */
  squared(from: number, to: number, edge: number): number {
    const c = this.#count[to]! - this.#count[from]!;
    const s1 = this.#first[to]! - this.#first[from]!;
    const s2 = this.#second[to]! - this.#second[from]!;
    return Math.max(0, s2 - 2 * edge * s1 + edge * edge * c);
  }
}

/** Threshold t for a symmetric range [-t, t], from the |x| histogram. */
export function mseThreshold(abs: Binned, levels: number): number {
  const steps = Math.floor((levels - 1) / 2);
  const e = new ClipError(abs);
  const n = e.n;
  const zero = zeroEdge(abs); // <= 0
  let best = n;
  let bestErr = Infinity;
  for (let u = 1; u <= n; u++) {
    const edge = Math.min(u, e.tmax);
    const d = (edge - zero) / steps;
    const err = (e.count(0, u) * d * d) / 12 + e.squared(u, n, edge);
    if (err < bestErr) [bestErr, best] = [err, u];
  }
  return binHigh(abs, best - 1);
}

/** Asymmetric range from the signed histogram. */
export function mseRange(v: Binned, levels: number): Range {
  const steps = levels - 1;
  const e = new ClipError(v);
  const n = e.n;
  const zero = zeroEdge(v);
  const lMax = Math.min(Math.max(zero, 0), n - 1);
  const uMin = Math.max(Math.min(zero, n), 1);
  let bestL = 0;
  let bestU = n;
  let bestErr = Infinity;
  for (let l = 0; l <= lMax; l++) {
    const a = Math.max(l, e.tmin);
    const belowErr = e.squared(0, l, a);
    const gridLo = Math.min(a, zero);
    for (let u = Math.max(uMin, l + 1); u <= n; u++) {
      const b = Math.min(u, e.tmax);
      const d = (Math.max(b, zero) - gridLo) / steps;
      const err = belowErr + (e.count(l, u) * d * d) / 12 + e.squared(u, n, b);
      if (err < bestErr) [bestErr, bestL, bestU] = [err, l, u];
    }
  }
  return { min: binLow(v, bestL), max: binHigh(v, bestU - 1) };
}

export type MseOptions = LevelsOptions;
export type MseJSON = LevelsJSON<"mse">;

export class MseObserver extends LevelsObserver<"mse"> {
  readonly kind = "mse";

  protected threshold(abs: Binned, levels: number): number {
    return mseThreshold(abs, levels);
  }

  protected clippedRange(values: Binned, levels: number): Range {
    return mseRange(values, levels);
  }

  static fromJSON(json: unknown): MseObserver {
    const o = new MseObserver(LevelsObserver.optionsFromJSON(json));
    o.restore(json);
    return o;
  }
}
