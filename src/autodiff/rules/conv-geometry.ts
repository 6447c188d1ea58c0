// Window geometry shared by the Conv, ConvTranspose and pooling gradients, and the two backward
// building blocks they share: spreading an output gradient back over the input windows
// (ConvTranspose) and correlating an input with an output gradient (the weight gradient).

import type { Value, Dim } from "../../ir/value.js";
import { range, staticDims } from "../emitter.js";
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
 * d(loss)/d(weight) of a (grouped) Conv whose input is `x` [N, C, S...] and whose output gradient
 * is `g` [N, M, O...]: for each group, the correlation of x with g, batch and channel axes
 * swapped so N is summed over. The kernel stride is the forward dilation and the kernel dilation
 * the forward stride. Result [M, C/group, k...], cut to k where the stride leaves extra rows.
 */
export function convWeightGrad(c: GradContext, x: Value, g: Value, geo: WindowGeometry): Value {
  const { b } = c;
  const { n, group } = geo;
  const channels = x.shape?.[1];
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
