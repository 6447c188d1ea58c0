// Window geometry shared by the Conv, ConvTranspose and pooling gradients, and the two backward
// building blocks they share: spreading an output gradient back over the input windows
// (ConvTranspose) and correlating an input with an output gradient (the weight gradient).

import type { Value, Dim } from "../../ir/value.js";
import { product, range, staticDims } from "../emitter.js";
import type { GradContext } from "../rule.js";

export interface WindowGeometry {
  /** Number of spatial axes. */
  n: number;
  kernel: number[];
  strides: number[];
  dilations: number[];
  padsBegin: number[];
  padsEnd: number[];
  group: number;
}

/** Geometry of a Conv or pooling node over input `x`, with auto_pad resolved to explicit pads. */
export function windowGeometry(c: GradContext, x: Value, kernel: readonly number[] | undefined): WindowGeometry {
  const n = c.rank(x) - 2;
  const k = c.node.getInts("kernel_shape") ?? kernel;
  if (!k || k.length !== n) throw c.fail("its kernel shape is unknown");
  const ones = range(0, n).map(() => 1);
  const strides = c.node.getInts("strides", ones);
  const dilations = c.node.getInts("dilations", ones);
  const autoPad = c.node.getString("auto_pad", "NOTSET");
  let pads = c.node.getInts("pads", [...range(0, 2 * n).map(() => 0)]);
  if (autoPad === "VALID") pads = range(0, 2 * n).map(() => 0);
  else if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
    const dims = staticDims(x.shape?.slice(2));
    if (!dims) throw c.fail(`auto_pad=${autoPad} needs static spatial dims`);
    const begin: number[] = [];
    const end: number[] = [];
    dims.forEach((h, i) => {
      const total = Math.max(0, (Math.ceil(h / strides[i]!) - 1) * strides[i]! + extent(k[i]!, dilations[i]!) - h);
      const small = Math.floor(total / 2);
      begin.push(autoPad === "SAME_UPPER" ? small : total - small);
      end.push(total - begin[i]!);
    });
    pads = [...begin, ...end];
  }
  return { n, kernel: [...k], strides, dilations, padsBegin: pads.slice(0, n), padsEnd: pads.slice(n), group: c.node.getInt("group", 1) };
}

/** Span of a dilated kernel. */
export function extent(k: number, d: number): number {
  return (k - 1) * d + 1;
}

/**
 * The adjoint of a window op over `x`: ConvTranspose of `g` with `weight` ([C_out_of_forward,
 * C/group, k...]) and the forward geometry. output_padding restores the input rows a stride
 * skipped; when the spatial dims are not static, the largest padding is used and the result cut.
 */
export function spreadOverInput(c: GradContext, g: Value, weight: Value, geo: WindowGeometry, x: Value): Value {
  const { b } = c;
  const flipped = flippedConv(c, g, weight, geo);
  if (flipped) return flipped;
  const dims = staticDims(x.shape?.slice(2));
  const base = {
    kernel_shape: geo.kernel,
    strides: geo.strides,
    dilations: geo.dilations,
    pads: [...geo.padsBegin, ...geo.padsEnd],
    group: geo.group,
  };
  if (dims) {
    const outputPadding = dims.map((h, i) => mod(h + geo.padsBegin[i]! + geo.padsEnd[i]! - extent(geo.kernel[i]!, geo.dilations[i]!), geo.strides[i]!));
    return b.op("ConvTranspose", [g, weight], outputPadding.some((p) => p > 0) ? { ...base, output_padding: outputPadding } : base);
  }
  const spread = b.op("ConvTranspose", [g, weight], { ...base, output_padding: geo.strides.map((s) => s - 1) });
  if (geo.strides.every((s) => s === 1)) return spread;
  const axes = range(2, geo.n + 2);
  return b.op("Slice", [spread, b.ints(axes.map(() => 0)), b.vec(b.dimsOf(x, 2)), b.ints(axes)]);
}

/**
 * With stride 1 and one group, the adjoint is an ordinary Conv of g with the weight's channel
 * axes swapped and its kernel flipped, padded by the rest of the kernel span. ONNX Runtime's
 * Conv kernel is about 10% faster than its ConvTranspose on fmnist-resnet's layers. Null where
 * the rewrite does not apply (strides, groups, or pads wider than the kernel span).
 */
function flippedConv(c: GradContext, g: Value, weight: Value, geo: WindowGeometry): Value | null {
  if (geo.group !== 1 || geo.strides.some((s) => s !== 1)) return null;
  const span = geo.kernel.map((k, i) => extent(k, geo.dilations[i]!) - 1);
  const pads = [...span.map((s, i) => s - geo.padsBegin[i]!), ...span.map((s, i) => s - geo.padsEnd[i]!)];
  if (pads.some((p) => p < 0)) return null;
  const { b } = c;
  const spatial = range(2, geo.n + 2);
  const swapped = b.transpose(weight, [1, 0, ...spatial]);
  const last = spatial.map(() => -1);
  const flipped = b.op("Slice", [swapped, b.ints(last), b.ints(spatial.map(() => -(2 ** 62))), b.ints(spatial), b.ints(last)]);
  return b.op("Conv", [g, flipped], { kernel_shape: geo.kernel, dilations: geo.dilations, pads });
}

/**
 * d(loss)/d(weight) of a (grouped) Conv whose input is `x` [N, C, S...] and whose output gradient
 * is `g` [N, M, O...]: for each group, the correlation of x with g, batch and channel axes
 * swapped so N is summed over. The kernel stride is the forward dilation and the kernel dilation
 * the forward stride. Result [M, C/group, k...], cut to k where the stride leaves extra rows.
 */
export function convWeightGrad(c: GradContext, x: Value, g: Value, geo: WindowGeometry): Value {
  const channels = x.shape?.[1];
  if (geo.group === 1 && product(geo.kernel) <= MAX_SLICED_TAPS && !(typeof channels === "number" && channels < MIN_TAP_CHANNELS)) {
    return weightGradByShifts(c, x, g, geo) ?? weightGradByTaps(c, x, g, geo);
  }
  const { b } = c;
  const { n, group } = geo;
  if (typeof channels !== "number") throw c.fail(`the channel count of "${x.name}" is unknown`);
  const perGroup = channels / group;
  const spatial = range(2, n + 2);
  const swapNC = [1, 0, ...spatial];
  const xt = b.transpose(x, swapNC); // [C, N, S...]
  let xr: Value;
  if (group === 1) xr = xt;
  else if (perGroup === 1) xr = b.reshape(xt, b.concatShape([[1, -1], b.dimsOf(x, 2)])); // depthwise: [1, C*N, S...]
  else {
    // [C, N, S...] -> [G, C/G, N, S...] -> [C/G, G, N, S...] -> [C/G, G*N, S...]
    const grouped = b.reshape(xt, b.concatShape([[group, perGroup, -1], b.dimsOf(x, 2)]));
    xr = b.reshape(b.transpose(grouped, [1, 0, ...range(2, n + 3)]), b.concatShape([[perGroup, -1], b.dimsOf(x, 2)]));
  }
  const kernel = b.transpose(g, swapNC); // [M, N, O...]
  let w = b.op("Conv", [xr, kernel], {
    strides: geo.dilations,
    dilations: geo.strides,
    pads: [...geo.padsBegin, ...geo.padsEnd],
    group,
  }); // [C/G, M, k'...]
  if (!kernelFits(x.shape, g.shape, geo)) w = b.op("Slice", [w, b.ints(spatial.map(() => 0)), b.ints(geo.kernel), b.ints(spatial)]);
  return b.transpose(w, swapNC);
}

/** Beyond this many kernel taps the per-tap MatMuls cost more nodes than the one Conv saves. */
const MAX_SLICED_TAPS = 49;
/** With fewer input channels each tap's MatMul is a matrix-vector product: the Conv form wins. */
const MIN_TAP_CHANNELS = 8;

/** x [N, C, ...] grown (positive) or cut (negative) by `begin`/`end` on its spatial axes; x itself if all are 0. */
function padSpatial(c: GradContext, x: Value, begin: readonly number[], end: readonly number[]): Value {
  if (begin.every((p) => p === 0) && end.every((p) => p === 0)) return x;
  return c.b.pad(x, [0, 0, ...begin, 0, 0, ...end]);
}

/**
 * The stride-1 weight gradient as per-tap MatMuls without a copy per tap: tap t pairs x shifted by
 * t on every spatial axis but the last with g shifted by t on the last axis, both [N, *, O..., S_last],
 * so only (taps on the leading axes) + (taps on the last axis) shifted copies are made (Pad with
 * negative pads crops), instead of one per tap. Null unless every stride is 1 and the spatial
 * dims are static.
 */
function weightGradByShifts(c: GradContext, x: Value, g: Value, geo: WindowGeometry): Value | null {
  const inDims = staticDims(x.shape?.slice(2));
  const outDims = staticDims(g.shape?.slice(2));
  if (!inDims || !outDims || geo.strides.some((s) => s !== 1)) return null;
  const { b } = c;
  const { n, kernel } = geo;
  const last = n - 1;
  // Input position of output position o at tap t on an axis: o + shift(axis, t).
  const shift = (axis: number, t: number) => t * geo.dilations[axis]! - geo.padsBegin[axis]!;
  const flat = (v: Value) => b.reshape(v, [0, 0, -1]);
  const xShifted = new Map<string, Value>();
  const shiftedX = (lead: number[]) => {
    const key = lead.join(",");
    let v = xShifted.get(key);
    if (!v) {
      // xs[..., o, ...] = x[..., o + a, ...] with O positions on the leading axes; the last axis stays whole.
      const a = lead.map((t, i) => shift(i, t));
      v = flat(padSpatial(c, x, [...a.map((ai) => -ai), 0], [...a.map((ai, i) => outDims[i]! - inDims[i]! + ai), 0]));
      xShifted.set(key, v);
    }
    return v;
  };
  const gShifted = range(0, kernel[last]!).map((t) => {
    // gs[..., w] = g[..., w - a] over the input's last-axis length, zero where w - a falls outside.
    const a = shift(last, t);
    const zeros = range(0, last).map(() => 0);
    return flat(padSpatial(c, g, [...zeros, a], [...zeros, inDims[last]! - outDims[last]! - a]));
  });
  const taps = kernelTaps(kernel).map((tap) => {
    const perSample = b.op("MatMul", [gShifted[tap[last]!]!, b.transpose(shiftedX(tap.slice(0, last)), [0, 2, 1])]); // [N, M, C]
    return b.unsqueeze(b.reduceSum(perSample, [0], false), [2]);
  });
  const stacked = taps.length === 1 ? taps[0]! : b.op("Concat", taps, { axis: 2 }); // [M, C, taps]
  return b.reshape(stacked, [0, 0, ...kernel]);
}

/**
 * The weight gradient of an ungrouped Conv, one kernel tap at a time: the tap's window of the
 * padded input (a strided Slice, [N, C, O...]) against the output gradient [N, M, O...] is a
 * batched MatMul summed over N, giving that tap's [M, C] slice of the gradient. ONNX Runtime
 * fuses the Transpose into the MatMul. Measured on fmnist-resnet's 16-channel 28x28 layers at
 * batch 64, this is about half the time of the Conv form, whose kernel is the whole output
 * gradient and whose GEMM therefore has only k*k columns.
 */
function weightGradByTaps(c: GradContext, x: Value, g: Value, geo: WindowGeometry): Value {
  const { b } = c;
  const { n, kernel, strides, dilations } = geo;
  const spatial = range(2, n + 2);
  const padded = geo.padsBegin.some((p) => p > 0) || geo.padsEnd.some((p) => p > 0) ? b.pad(x, [0, 0, ...geo.padsBegin, 0, 0, ...geo.padsEnd]) : x;
  const out = b.dimsOf(g, 2); // O...
  const flat = (v: Value) => b.reshape(v, [0, 0, -1]);
  const gFlat = flat(g); // [N, M, P]
  const taps: Value[] = [];
  for (const tap of kernelTaps(kernel)) {
    const starts = tap.map((t, i) => t * dilations[i]!);
    // end = start + (O - 1) * stride + 1: the last window the output gradient covers.
    const ends = Array.isArray(out)
      ? (out as number[]).map((o, i) => starts[i]! + (o - 1) * strides[i]! + 1)
      : b.op("Add", [b.op("Mul", [out as Value, b.ints(strides)]), b.ints(starts.map((s0, i) => s0 + 1 - strides[i]!))]);
    const window = b.op("Slice", [padded, b.ints(starts), b.vec(ends), b.ints(spatial), b.ints(strides)]); // [N, C, O...]
    const perSample = b.op("MatMul", [gFlat, b.transpose(flat(window), [0, 2, 1])]); // [N, M, C]
    taps.push(b.unsqueeze(b.reduceSum(perSample, [0], false), [2]));
  }
  const stacked = taps.length === 1 ? taps[0]! : b.op("Concat", taps, { axis: 2 }); // [M, C, taps]
  return b.reshape(stacked, [0, 0, ...kernel]);
}

/** Every kernel position, row-major (the order of the weight's trailing axes). */
function kernelTaps(kernel: readonly number[]): number[][] {
  return kernel.reduce<number[][]>((acc, k) => acc.flatMap((prefix) => range(0, k).map((t) => [...prefix, t])), [[]]);
}

/** Whether the weight-gradient Conv yields exactly the kernel size (known only for static dims). */
function kernelFits(xShape: readonly Dim[] | undefined, gShape: readonly Dim[] | undefined, geo: WindowGeometry): boolean {
  const s = staticDims(xShape?.slice(2));
  const o = staticDims(gShape?.slice(2));
  if (!s || !o) return false;
  return s.every((h, i) => {
    const span = h + geo.padsBegin[i]! + geo.padsEnd[i]! - ((o[i]! - 1) * geo.strides[i]! + 1);
    return Math.floor(span / geo.dilations[i]!) + 1 === geo.kernel[i];
  });
}

function mod(a: number, m: number): number {
  return ((a % m) + m) % m;
}
