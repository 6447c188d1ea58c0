// Quantization arithmetic: scale/zero-point from a range, round-half-to-even with saturation,
// per-tensor and per-channel weights, int32 biases. Plain float64 math on weights; activations
// are quantized by ONNX Runtime at run time.

import { qtypeInfo, type QType } from "./qtype.js";
import { QuantaError, quoteName } from "../errors.js";

export interface QParams {
  /** float32-representable scale. */
  scale: number;
  zeroPoint: number;
}

export interface RangeOptions {
  qtype: QType;
  /** Zero point at the middle of the type (0 for signed): the range becomes [-absmax, absmax]. */
  symmetric: boolean;
  /** Use one bit less of range (for CPUs without VNNI whose u8*s8 kernels can overflow). */
  reduceRange?: boolean;
}

/**
 * Smallest scale used: float32's smallest normal number. A range of subnormal values (1e-45) would
 * give a scale of 0 or a subnormal one, whose reciprocal overflows; such values all quantize to 0.
 */
const MIN_SCALE = 2 ** -126;

/** Scale and zero point mapping [min, max] (widened to include 0) onto the integer range. */
export function qparamsFromRange(min: number, max: number, o: RangeOptions): QParams {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) throw new Error(`cannot quantize the range [${min}, ${max}]`);
  let { qmin, qmax } = qtypeInfo(o.qtype);
  if (o.reduceRange) {
    const info = qtypeInfo(o.qtype);
    qmin = info.signed ? -(2 ** (info.bits - 2)) : 0;
    qmax = info.signed ? 2 ** (info.bits - 2) - 1 : 2 ** (info.bits - 1) - 1;
  }
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (o.symmetric) {
    const absmax = Math.max(-lo, hi);
    const half = Math.floor((qmax - qmin) / 2); // 127 for 8 bits: ±absmax both representable
    const zeroPoint = qtypeInfo(o.qtype).signed ? 0 : Math.ceil((qmax + qmin) / 2);
    return { scale: absmax === 0 ? 1 : Math.max(Math.fround(absmax / half), MIN_SCALE), zeroPoint };
  }
  if (hi === lo) return { scale: 1, zeroPoint: clamp(0, qmin, qmax) }; // all zeros
  const scale = Math.max(Math.fround((hi - lo) / (qmax - qmin)), MIN_SCALE);
  const zeroPoint = clamp(roundHalfEven(qmin - lo / scale), qmin, qmax);
  return { scale, zeroPoint };
}

export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round rounds ties towards +∞; step back to the even neighbour on exact ties.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Quantizes values with one scale/zero point (ONNX QuantizeLinear semantics). */
export function quantizeValues(values: ArrayLike<number>, p: QParams, qtype: QType): Int32Array {
  const { qmin, qmax } = qtypeInfo(qtype);
  const out = new Int32Array(values.length);
  quantizeRun(values, 0, values.length, p.scale, p.zeroPoint, qmin, qmax, out);
  return out;
}

/** The hot loop: out[i] = saturate(roundHalfEven(v[i] / scale) + zp) for i in [start, end). */
function quantizeRun(v: ArrayLike<number>, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number, out: Int32Array): void {
  // Adding and subtracting 1.5·2^52 rounds a double to an integer half-to-even (the FPU's own
  // rounding), exact for |x| < 2^51; larger values saturate anyway.
  const MAGIC = 6755399441055744;
  for (let i = start; i < end; i++) {
    const x = v[i]! / scale;
    const r = (x > 2 ** 50 ? 2 ** 50 : x < -(2 ** 50) ? -(2 ** 50) : x + MAGIC - MAGIC) + zp;
    out[i] = r < qmin ? qmin : r > qmax ? qmax : r;
  }
}

export function dequantizeValues(q: ArrayLike<number>, p: QParams): Float64Array {
  const out = new Float64Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = (q[i]! - p.zeroPoint) * p.scale;
  return out;
}

export interface QuantizedWeights {
  /** Quantized values, same layout as the input. */
  values: Int32Array;
  /** One entry per channel along `axis`, or one entry for per-tensor. */
  params: QParams[];
  axis: number | null;
}

export interface WeightOptions extends RangeOptions {
  /**
   * Largest allowed sum of two same-sign quantized magnitudes in one channel (per tensor: in the
   * whole tensor), whichever two they are. x86 u8×s8 kernels without VNNI add adjacent products
   * into a saturating int16 (see pair-safe.ts); 128 keeps 255·(|q₀|+|q₁|) ≤ 32767 for every
   * pairing. Only for symmetric int8 weights.
   */
  pairLimit?: number;
  /** The weight's name, for errors. */
  name?: string;
  /**
   * For per-tensor weights: the axis whose slices are what one output sums over (MatMul's last,
   * Conv's first). Pairs then only count within one output, not across the whole tensor.
   */
  outputAxis?: number;
}

/**
 * Quantizes a weight tensor, per tensor (axis null) or per channel along `axis`, from its own
 * min/max. Weights are normally symmetric int8 (zero point 0), which int8 kernels expect.
 */
export function quantizeWeights(values: ArrayLike<number>, dims: readonly number[], axis: number | null, o: WeightOptions): QuantizedWeights {
  checkFinite(values, o.name);
  const q = quantizeWeightsRaw(values, dims, axis, o);
  if (o.pairLimit === undefined) return q;
  if (o.qtype !== "int8" || !o.symmetric) throw new Error("pair-limited weights must be symmetric int8");
  return limitPairs(values, dims, q, o.pairLimit, q.axis ?? o.outputAxis ?? null);
}

function quantizeWeightsRaw(values: ArrayLike<number>, dims: readonly number[], axis: number | null, o: RangeOptions): QuantizedWeights {
  if (axis === null) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (values.length === 0) (lo = 0), (hi = 0);
    const p = qparamsFromRange(lo, hi, o);
    return { values: quantizeValues(values, p, o.qtype), params: [p], axis: null };
  }
  const a = axis < 0 ? axis + dims.length : axis;
  const channels = dims[a]!;
  const inner = dims.slice(a + 1).reduce((x, y) => x * y, 1);
  const outer = dims.slice(0, a).reduce((x, y) => x * y, 1);
  const lo = new Float64Array(channels).fill(Infinity);
  const hi = new Float64Array(channels).fill(-Infinity);
  for (let o1 = 0; o1 < outer; o1++)
    for (let c = 0; c < channels; c++) {
      const base = (o1 * channels + c) * inner;
      for (let i = 0; i < inner; i++) {
        const v = values[base + i]!;
        if (v < lo[c]!) lo[c] = v;
        if (v > hi[c]!) hi[c] = v;
      }
    }
  const params = Array.from({ length: channels }, (_, c) => qparamsFromRange(lo[c] === Infinity ? 0 : lo[c]!, hi[c] === -Infinity ? 0 : hi[c]!, o));
  const { qmin, qmax } = qtypeInfo(o.qtype);
  const q = new Int32Array(values.length);
  for (let o1 = 0; o1 < outer; o1++)
    for (let c = 0; c < channels; c++) {
      const { scale, zeroPoint } = params[c]!;
      const base = (o1 * channels + c) * inner;
      quantizeRun(values, base, base + inner, scale, zeroPoint, qmin, qmax, q);
    }
  return { values: q, params, axis: a };
}

/** A NaN or infinite weight has no scale; say which tensor holds it (a damaged or diverged model). */
function checkFinite(values: ArrayLike<number>, name: string | undefined): void {
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i]!)) continue;
    throw new QuantaError(
      `weight ${name === undefined ? "tensor" : quoteName(name)} holds ${values[i]} (element ${i} of ${values.length}); only finite weights can be quantized: the model is damaged or its training diverged (or keep the op reading it float with --exclude)`,
    );
  }
}

/**
 * Bias as int32 with scale = input scale × weight scale (per output channel), zero point 0, so
 * int8 kernels add it to their int32 accumulators directly. Returns null if a value would not
 * fit in int32 (then the bias must stay float).
 */
export function quantizeBias(bias: ArrayLike<number>, inputScale: number, weightScales: readonly number[]): { values: Int32Array; scales: number[] } | null {
  const scales = Array.from({ length: bias.length }, (_, i) => Math.fround(inputScale * weightScales[weightScales.length === 1 ? 0 : i]!));
  const values = new Int32Array(bias.length);
  for (let i = 0; i < bias.length; i++) {
    const s = scales[i]!;
    const q = s === 0 ? 0 : roundHalfEven(bias[i]! / s);
    if (q > 2147483647 || q < -2147483648) return null;
    values[i] = q;
  }
  return { values, scales };
}

/** Visits each channel of a weight tensor as (channel, start, end, stride-free ranges). */
function forEachChannelRun(dims: readonly number[], axis: number | null, length: number, visit: (c: number, start: number, end: number) => void): void {
  if (axis === null) return void visit(0, 0, length);
  const channels = dims[axis]!;
  const inner = dims.slice(axis + 1).reduce((x, y) => x * y, 1);
  const outer = dims.slice(0, axis).reduce((x, y) => x * y, 1);
  for (let o1 = 0; o1 < outer; o1++)
    for (let c = 0; c < channels; c++) {
      const base = (o1 * channels + c) * inner;
      visit(c, base, base + inner);
    }
}

/** Per channel: the two largest positive values and the two largest negative magnitudes. */
function topPairs(values: ArrayLike<number>, dims: readonly number[], axis: number | null, channels: number): Float64Array {
  // [p1, p2, n1, n2] per channel
  const top = new Float64Array(channels * 4);
  forEachChannelRun(dims, axis, values.length, (c, start, end) => {
    const t = c * 4;
    for (let i = start; i < end; i++) {
      const v = values[i]!;
      const k = v > 0 ? t : t + 2;
      const m = Math.abs(v);
      if (m > top[k]!) (top[k + 1] = top[k]!), (top[k] = m);
      else if (m > top[k + 1]!) top[k + 1] = m;
    }
  });
  return top;
}

/**
 * Widens each channel's scale until no two same-sign quantized weights of the channel sum past
 * `limit` in magnitude. Channels already within the limit keep their 8-bit scale.
 */
function limitPairs(values: ArrayLike<number>, dims: readonly number[], q: QuantizedWeights, limit: number, outputAxis: number | null): QuantizedWeights {
  // Pairs form within one output: per-channel scales are checked channel by channel, a per-tensor
  // scale must satisfy every output slice.
  const groups = outputAxis === null ? 1 : dims[outputAxis < 0 ? outputAxis + dims.length : outputAxis]!;
  const groupAxis = outputAxis === null ? null : outputAxis < 0 ? outputAxis + dims.length : outputAxis;
  const perChannel = q.axis !== null;
  const need = (top: Float64Array, c: number) => Math.max(top[c * 4]! + top[c * 4 + 1]!, top[c * 4 + 2]! + top[c * 4 + 3]!);
  const real = topPairs(values, dims, groupAxis, groups);
  const params = q.params.map((p, c) => {
    let n = 0;
    if (perChannel) n = need(real, c);
    else for (let k = 0; k < groups; k++) n = Math.max(n, need(real, k));
    return n / limit > p.scale ? { scale: Math.fround(n / limit), zeroPoint: 0 } : p;
  });
  const out = new Int32Array(values.length);
  const { qmin, qmax } = qtypeInfo("int8");
  for (let round = 0; ; round++) {
    forEachChannelRun(dims, q.axis, values.length, (c, start, end) => quantizeRun(values, start, end, params[c]!.scale, 0, qmin, qmax, out));
    const ints = topPairs(out, dims, groupAxis, groups);
    let ok = true;
    for (let k = 0; k < groups; k++) {
      if (need(ints, k) <= limit) continue;
      // Rounding pushed a pair one step over: widen that scale a hair and quantize again.
      const c = perChannel ? k : 0;
      params[c] = { scale: Math.fround(params[c]!.scale * (1 + 2 ** -16)), zeroPoint: 0 };
      ok = false;
      if (!perChannel) break;
    }
    if (ok) return { values: out, params, axis: q.axis };
    if (round > 64) throw new Error("could not bound the weight pairs");
  }
}
