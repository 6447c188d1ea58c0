// d(loss)/d(weight) of a Conv whose input is x [N, C, S...] and whose output gradient is
// g [N, M, O...]: the correlation of x with g, summed over N. Also the weight gradient of a
// ConvTranspose, with the roles of x and g swapped. ONNX has no op for it, so it is built from
// the fastest of five forms, measured with ONNX Runtime on fmnist-resnet at batch 64:
// - shifted copies + per-tap MatMuls (stride 1; channels first on small maps): 1.5x the forward
//   Conv on 16-channel 28x28 layers, where the Conv form is 2.8x (its GEMM has only k*k columns);
// - strided windows + per-tap MatMuls (1x1 kernels with a stride): a third of the Conv form;
// - windows concatenated into one MatMul (fewer than 8 input channels, where each tap's MatMul
//   would be a matrix-vector product);
// - windows gathered by a grouped one-hot Conv, then one MatMul (strided k x k kernels);
// - one Conv of the transposed operands (groups, large kernels, unknown channel counts).

import type { Value } from "../../ir/value.js";
import { product, range, staticDims } from "../emitter.js";
import type { GradContext } from "../rule.js";
import { extent, type WindowGeometry } from "./conv-geometry.js";

/** Beyond this many kernel taps the per-tap MatMuls cost more nodes than the one Conv saves. */
const MAX_TAPS = 49;
/** Largest one-hot kernel (channels * taps^2 values) the strided form embeds in the graph. */
const MAX_ONE_HOT = 1 << 20;
/** With fewer input channels each tap's MatMul is a matrix-vector product. */
const MIN_TAP_CHANNELS = 8;

/** Result [M, C/group, k...]. */
export function convWeightGrad(c: GradContext, x: Value, g: Value, geo: WindowGeometry): Value {
  const channels = x.shape?.[1];
  const taps = product(geo.kernel);
  if (geo.group === 1 && taps <= MAX_TAPS) {
    if (typeof channels === "number" && channels < MIN_TAP_CHANNELS) return byConcatenatedWindows(c, x, g, geo);
    if (geo.strides.every((s) => s === 1)) return byShifts(c, x, g, geo) ?? byWindows(c, x, g, geo);
    if (taps === 1) return byWindows(c, x, g, geo);
    if (typeof channels === "number" && channels * taps * taps <= MAX_ONE_HOT) return byOneHotConv(c, x, g, geo, channels);
  }
  return byConv(c, x, g, geo);
}

/** x [N, C, ...] grown (positive) or cut (negative) on its spatial axes; x itself if nothing changes. */
function padSpatial(c: GradContext, x: Value, begin: readonly number[], end: readonly number[]): Value {
  if (begin.every((p) => p === 0) && end.every((p) => p === 0)) return x;
  return c.b.pad(x, [0, 0, ...begin, 0, 0, ...end]);
}

const flat = (c: GradContext, v: Value) => c.b.reshape(v, [0, 0, -1]);

/**
 * Per tap, in kernel order, the [N, M, C] products of perSample, each summed over N, laid out as
 * [M, C, k...]. (One Concat of the products and a single ReduceSum measured 1.5 ms slower per step.)
 */
function stackTaps(c: GradContext, perTap: readonly Value[], kernel: readonly number[]): Value {
  const { b } = c;
  const taps = perTap.map((t) => b.unsqueeze(b.reduceSum(t, [0], false), [2])); // [M, C, 1] each
  return b.reshape(taps.length === 1 ? taps[0]! : b.op("Concat", taps, { axis: 2 }), [0, 0, ...kernel]);
}

/** [N, M, P] x [N, C, P] -> [N, M, C]. ONNX Runtime fuses the Transpose into the MatMul. */
function perSample(c: GradContext, gFlat: Value, xFlat: Value): Value {
  return c.b.op("MatMul", [gFlat, c.b.transpose(xFlat, [0, 2, 1])]);
}

/** [N, M, P] x [N, C, P] summed over N -> [M, C]. */
function summedProduct(c: GradContext, gFlat: Value, xFlat: Value): Value {
  return c.b.reduceSum(perSample(c, gFlat, xFlat), [0], false);
}

/**
 * Stride 1: tap t pairs x shifted by t on every spatial axis but the last with g shifted by t on
 * the last axis, both [*, *, O..., S_last]. So only (taps on the leading axes) + (taps on the last
 * axis) shifted copies are made (Pad; negative pads crop) rather than one per tap. The last-axis
 * shifts of g are stacked so one product per leading tap reads each x copy once for k_last taps
 * (0.4 ms less per 16-channel 28x28 layer than a product per tap). Null unless the spatial dims
 * are static.
 *
 * Two layouts. Per sample, x [N, C, P] and g [N, k_last*M, P] give [N, k_last*M, C] products that
 * are then summed over N. Channels first, x^T [C, N*P] and g^T [k_last*M, N*P] give the sum in one
 * GEMM, at the price of transposing x and g. The transposes move P*(M+C) values per sample and
 * the per-sample products taps*M*C, so channels first is taken where the latter is larger
 * (measured on fmnist-resnet: 1.4 ms less per step for its 14x14 and 7x7 layers, slower at 28x28).
 */
function byShifts(c: GradContext, x: Value, g: Value, geo: WindowGeometry): Value | null {
  const inDims = staticDims(x.shape?.slice(2));
  const outDims = staticDims(g.shape?.slice(2));
  if (!inDims || !outDims) return null;
  const { b } = c;
  const { n, kernel } = geo;
  const last = n - 1;
  const spatial = range(2, n + 2);
  const [channels, filters] = [x.shape?.[1], g.shape?.[1]];
  const taps = product(kernel);
  const channelsFirst =
    typeof channels === "number" && typeof filters === "number" && 2 * product(outDims) * (channels + filters) < taps * channels * filters;
  // Both layouts keep the spatial axes at 2..; only the first two axes and the flattening differ.
  const [xl, gl] = [x, g].map((v) => (channelsFirst ? b.transpose(v, [1, 0, ...spatial]) : v)) as [Value, Value];
  const rowsOf = (v: Value, count: number) => b.reshape(v, channelsFirst ? [count, -1] : [0, 0, -1]);
  // Input position of output position o at tap t on an axis: o + shift(axis, t).
  const shift = (axis: number, t: number) => t * geo.dilations[axis]! - geo.padsBegin[axis]!;
  const shiftedX = (lead: number[]) => {
    // xs[..., o, ..., s] = x[..., o + a, ..., s]: O positions on the leading axes, the last axis whole.
    const a = lead.map((t, i) => shift(i, t));
    const begin = a.map((ai) => -ai);
    const end = a.map((ai, i) => outDims[i]! - inDims[i]! + ai);
    if (n !== 2) return rowsOf(padSpatial(c, xl, [...begin, 0], [...end, 0]), channels as number);
    // One leading axis: its rows are contiguous, so the shift is a Pad by whole rows of the
    // [C*N, H*W] view, a third cheaper in ONNX Runtime than the same Pad of the 4-D tensor.
    const w = inDims[1]!;
    const shifted = b.pad(b.reshape(xl, [-1, inDims[0]! * w]), [0, begin[0]! * w, 0, end[0]! * w]);
    return channelsFirst ? rowsOf(shifted, channels as number) : b.reshape(shifted, b.concatShape([b.dimsOf(x, 0, 2), [-1]]));
  };
  const gShifted = range(0, kernel[last]!).map((t) => {
    // gs[..., w] = g[..., w - a] over the input's last-axis length, zero where w - a falls outside.
    const a = shift(last, t);
    const zeros = range(0, last).map(() => 0);
    return padSpatial(c, gl, [...zeros, a], [...zeros, inDims[last]! - outDims[last]! - a]);
  });
  const kLast = kernel[last]!;
  const stacked = kLast === 1 ? gShifted[0]! : b.op("Concat", gShifted, { axis: channelsFirst ? 0 : 1 });
  const gAll = rowsOf(stacked, kLast * (filters as number)); // [k_last*M, N*P] or [N, k_last*M, P]
  const perLead = kernelTaps(kernel.slice(0, last)).map((lead) =>
    channelsFirst ? b.op("MatMul", [gAll, b.transpose(shiftedX(lead), [1, 0])]) : summedProduct(c, gAll, shiftedX(lead)),
  ); // [k_last*M, C] each
  const all = perLead.length === 1 ? perLead[0]! : b.op("Concat", perLead, { axis: 0 }); // [lead*k_last*M, C]
  const byTap = b.transpose(b.reshape(all, b.concatShape([[-1], b.dimsOf(g, 1, 2), b.dimsOf(x, 1, 2)])), [1, 2, 0]); // [M, C, taps]
  return b.reshape(byTap, [0, 0, ...kernel]);
}

/** Each tap's window of the padded input: a strided Slice, [N, C, O...]. */
function windows(c: GradContext, x: Value, g: Value, geo: WindowGeometry): Value[] {
  const { b } = c;
  const { n, strides, dilations } = geo;
  const spatial = range(2, n + 2);
  const padded = padSpatial(c, x, geo.padsBegin, geo.padsEnd);
  const out = b.dimsOf(g, 2); // O...
  return kernelTaps(geo.kernel).map((tap) => {
    const starts = tap.map((t, i) => t * dilations[i]!);
    // end = start + (O - 1) * stride + 1: the last window the output gradient covers.
    const ends = Array.isArray(out)
      ? (out as number[]).map((o, i) => starts[i]! + (o - 1) * strides[i]! + 1)
      : b.op("Add", [b.op("Mul", [out as Value, b.ints(strides)]), b.ints(starts.map((s0, i) => s0 + 1 - strides[i]!))]);
    return b.op("Slice", [padded, b.ints(starts), b.vec(ends), b.ints(spatial), b.ints(strides)]);
  });
}

/** One MatMul per tap over that tap's strided window. */
function byWindows(c: GradContext, x: Value, g: Value, geo: WindowGeometry): Value {
  const gFlat = flat(c, g);
  return stackTaps(c, windows(c, x, g, geo).map((w) => perSample(c, gFlat, flat(c, w))), geo.kernel);
}

/** Few input channels: the windows side by side on the channel axis, [N, taps*C, P], one MatMul. */
function byConcatenatedWindows(c: GradContext, x: Value, g: Value, geo: WindowGeometry): Value {
  const { b } = c;
  const ws = windows(c, x, g, geo);
  const cols = ws.length === 1 ? ws[0]! : b.op("Concat", ws, { axis: 1 }); // [N, taps*C, O...]
  const summed = summedProduct(c, flat(c, g), flat(c, cols)); // [M, taps*C]
  const perTap = b.transpose(b.reshape(summed, [0, ws.length, -1]), [0, 2, 1]); // [M, C, taps]
  return b.reshape(perTap, [0, 0, ...geo.kernel]);
}

/**
 * Strided: the windows gathered by a grouped Conv with one-hot kernels (group = C, tap t of channel
 * c to output channel c*taps + t), [N, C*taps, O...], then one product per sample with g, summed
 * over N. The gathering Conv has the forward geometry, so its maps are g's size and the windows
 * hold taps/stride^2 times x's values; ONNX Runtime threads it. On fmnist-resnet's two strided 3x3
 * layers: 2.7 and 2.3 ms where the Conv form took 4.1 and 2.6 (1 thread), 1.5 and 1.2 where it
 * took 3.5 and 2.5 (2 threads).
 */
function byOneHotConv(c: GradContext, x: Value, g: Value, geo: WindowGeometry, channels: number): Value {
  const { b } = c;
  const taps = product(geo.kernel);
  const oneHot = new Array<number>(channels * taps * taps).fill(0);
  for (let ch = 0; ch < channels; ch++) for (let t = 0; t < taps; t++) oneHot[(ch * taps + t) * taps + t] = 1;
  const windows = b.op("Conv", [x, b.tensor(oneHot, [channels * taps, 1, ...geo.kernel], c.dtype)], {
    kernel_shape: geo.kernel,
    strides: geo.strides,
    dilations: geo.dilations,
    pads: [...geo.padsBegin, ...geo.padsEnd],
    group: channels,
  }); // [N, C*taps, O...]
  const summed = summedProduct(c, flat(c, g), flat(c, windows)); // [M, C*taps]
  return b.reshape(summed, [0, channels, ...geo.kernel]);
}

/**
 * For each group, a Conv of x with g as its kernel, batch and channel axes swapped so N is summed
 * over: the kernel stride is the forward dilation and the kernel dilation the forward stride.
 * With static dims, x is cut to the rows the windows reach so the result is exactly k; otherwise
 * the result is cut.
 */
function byConv(c: GradContext, x: Value, g: Value, geo: WindowGeometry): Value {
  const { b } = c;
  const { n, group } = geo;
  const channels = x.shape?.[1];
  if (typeof channels !== "number") throw c.fail(`the channel count of "${x.name}" is unknown`);
  const perGroup = channels / group;
  const spatial = range(2, n + 2);
  const swapNC = [1, 0, ...spatial];
  let padsEnd = geo.padsEnd;
  const inDims = staticDims(x.shape?.slice(2));
  const outDims = staticDims(g.shape?.slice(2));
  let exact = false;
  if (inDims && outDims) {
    // Padded length the windows reach: (O - 1) * stride + span; the padded input may be longer.
    const reach = outDims.map((o, i) => (o - 1) * geo.strides[i]! + extent(geo.kernel[i]!, geo.dilations[i]!));
    const end = reach.map((r, i) => r - inDims[i]! - geo.padsBegin[i]!);
    x = padSpatial(c, x, range(0, n).map(() => 0), end.map((e) => Math.min(e, 0)));
    padsEnd = end.map((e) => Math.max(e, 0));
    exact = true;
  }
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
    pads: [...geo.padsBegin, ...padsEnd],
    group,
  }); // [C/G, M, k'...]
  if (!exact) w = b.op("Slice", [w, b.ints(spatial.map(() => 0)), b.ints(geo.kernel), b.ints(spatial)]);
  return b.transpose(w, swapNC);
}

/** Every kernel position, row-major (the order of the weight's trailing axes). */
function kernelTaps(kernel: readonly number[]): number[][] {
  return kernel.reduce<number[][]>((acc, k) => acc.flatMap((prefix) => range(0, k).map((t) => [...prefix, t])), [[]]);
}
