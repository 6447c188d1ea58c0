// Entropy calibration (TensorRT's KL-divergence calibrator, Migacz, "8-bit Inference with
// TensorRT", GTC 2017): pick the clipping threshold whose quantized histogram loses the least
// information. For a candidate [l, u) of bins:
//   P = the bins in [l, u), with the mass outside added to the two edge bins (clipping),
//   Q = the unclipped bins in [l, u) merged into `levels` equal groups and spread back evenly
//       over the bins where P is nonzero (what quantization can still tell apart),
// both normalized, and the candidate with the least KL(P || Q) wins. Too low a threshold piles
// mass into the edge bin that Q cannot match; too high a one merges the body into few levels.
//
// Symmetric: as TensorRT, on the |x| histogram with levels/2 levels over [0, t].
// Asymmetric (TensorRT has none): levels over [lo, hi], zero included as ONNX quantization
// requires, found by coordinate descent (best hi for the current lo, then best lo, until stable).
// Candidates span at least as many bins as levels (fewer would quantize without loss), so with
// levels > bins (int16) the full range is kept.
//
// Where P has mass but Q none (a clipped edge bin whose level holds no unclipped data), Q gets
// a tiny count instead of zero, as the smoothing in MXNet's and ONNX Runtime's calibrators does;
// without it every threshold short of a lone outlier would have infinite divergence.
//
// Each divergence costs O(levels), not O(bins): within a level Q is constant, so
// sum P ln Q = sum over levels of (P mass) * ln(level sum / nonzero bins), and sum P ln P comes
// from prefix sums with the two edge bins corrected.

import { binHigh, binLow, zeroEdge, type Binned } from "./histogram.js";
import { LevelsObserver, type LevelsJSON, type LevelsOptions } from "./levels-observer.js";
import type { Range } from "./observer.js";

const MAX_DESCENT_ROUNDS = 16;
/** The count Q gets where it would be zero under P's mass (MXNet's and ORT's eps). */
const SMOOTHING = 1e-4;

const xlogx = (x: number) => (x > 0 ? x * Math.log(x) : 0);

/** KL(P || Q) of clipping candidates over one run of bins. */
export class KlDivergence {
  readonly bins: number;
  readonly total: number;
  readonly #c: Float64Array;
  /** Prefix sums of counts, of nonzero bins, and of c ln c. */
  readonly #sum: Float64Array;
  readonly #nonzero: Float64Array;
  readonly #clogc: Float64Array;

  constructor(counts: Float64Array) {
    const n = counts.length;
    this.bins = n;
    this.#c = counts;
    this.#sum = new Float64Array(n + 1);
    this.#nonzero = new Float64Array(n + 1);
    this.#clogc = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const c = counts[i]!;
      this.#sum[i + 1] = this.#sum[i]! + c;
      this.#nonzero[i + 1] = this.#nonzero[i]! + (c > 0 ? 1 : 0);
      this.#clogc[i + 1] = this.#clogc[i]! + xlogx(c);
    }
    this.total = this.#sum[n]!;
  }

  /**
   * Divergence of keeping bins [l, u), quantized with `levels` equal levels laid over the bin
   * edges [gridLo, gridHi) (which contain [l, u); they may reach past the run, e.g. to zero).
   * Infinity only when nothing is kept.
   */
  divergence(l: number, u: number, gridLo: number, gridHi: number, levels: number): number {
    const c = this.#c;
    const sum = this.#sum;
    const total = this.total;
    const below = sum[l]!;
    const above = total - sum[u]!;
    const kept = sum[u]! - below;
    if (kept <= 0) return Infinity;
    const last = u - 1;
    // P differs from the counts only at the edge bins, which take the clipped mass.
    const pl = l === last ? c[l]! + below + above : c[l]! + below;
    const pu = l === last ? pl : c[last]! + above;
    let plogp = this.#clogc[u]! - this.#clogc[l]! - xlogx(c[l]!) + xlogx(pl);
    if (l !== last) plogp += xlogx(pu) - xlogx(c[last]!);

    const span = gridHi - gridLo;
    const edge = (k: number) => gridLo + Math.ceil((k * span) / levels); // first bin of level k
    let plogq = 0;
    for (let k = Math.floor(((l - gridLo) * levels) / span); k < levels; k++) {
      const a = Math.max(l, edge(k));
      const b = Math.min(u, edge(k + 1));
      if (a >= u) break;
      if (a >= b) continue;
      const s = sum[b]! - sum[a]!;
      let mass = s;
      let nonzero = this.#nonzero[b]! - this.#nonzero[a]!;
      if (a === l) {
        mass += pl - c[l]!;
        if (c[l]! === 0 && pl > 0) nonzero++;
      }
      if (b === u && l !== last) {
        mass += pu - c[last]!;
        if (c[last]! === 0 && pu > 0) nonzero++;
      }
      if (mass === 0) continue;
      plogq += mass * Math.log(s > 0 ? s / nonzero : SMOOTHING);
    }
    return (plogp - plogq) / total + Math.log(kept / total);
  }
}

/** Threshold t for a symmetric range [-t, t], from the |x| histogram. */
export function entropyThreshold(abs: Binned, levels: number): number {
  const half = Math.floor(levels / 2);
  const n = abs.counts.length;
  const zero = zeroEdge(abs); // <= 0: the run starts at or above |x| = 0
  if (n - zero < half) return abs.max;
  const kl = new KlDivergence(abs.counts);
  let best = n;
  let bestKl = Infinity;
  for (let u = Math.max(1, zero + half); u <= n; u++) {
    const d = kl.divergence(0, u, zero, u, half);
    if (d < bestKl) {
      bestKl = d;
      best = u;
    }
  }
  return best === n ? abs.max : binHigh(abs, best - 1);
}

/** Asymmetric range from the signed histogram. */
export function entropyRange(v: Binned, levels: number): Range {
  const n = v.counts.length;
  const zero = zeroEdge(v);
  const full = { min: v.min, max: v.max };
  if (Math.max(n, zero) - Math.min(0, zero) < levels) return full;
  const kl = new KlDivergence(v.counts);
  // Zero stays inside the grid, so values between zero and the data are never clipped: the
  // lower edge moves only when data lies below zero, the upper one only when data lies above.
  const lMax = Math.min(Math.max(zero, 0), n - 1);
  const uMin = Math.max(Math.min(zero, n), 1);
  const cost = (l: number, u: number) => {
    const lo = Math.min(l, zero);
    const hi = Math.max(u, zero);
    return hi - lo < levels ? Infinity : kl.divergence(l, u, lo, hi, levels);
  };
  let l = 0;
  let u = n;
  for (let round = 0; round < MAX_DESCENT_ROUNDS; round++) {
    const before = [l, u];
    let best = cost(l, u);
    for (let cand = uMin; cand <= n; cand++) {
      const d = cost(l, cand);
      if (d < best) [best, u] = [d, cand];
    }
    for (let cand = 0; cand <= lMax; cand++) {
      const d = cost(cand, u);
      if (d < best) [best, l] = [d, cand];
    }
    if (l === before[0] && u === before[1]) break;
  }
  return { min: binLow(v, l), max: binHigh(v, u - 1) };
}

export type EntropyOptions = LevelsOptions;
export type EntropyJSON = LevelsJSON<"entropy">;

export class EntropyObserver extends LevelsObserver<"entropy"> {
  readonly kind = "entropy";

  protected threshold(abs: Binned, levels: number): number {
    return entropyThreshold(abs, levels);
  }

  protected clippedRange(values: Binned, levels: number): Range {
    return entropyRange(values, levels);
  }

  static fromJSON(json: unknown): EntropyObserver {
    const o = new EntropyObserver(LevelsObserver.optionsFromJSON(json));
    o.restore(json);
    return o;
  }
}
