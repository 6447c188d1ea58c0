// Window geometry shared by the Conv, ConvTranspose and pooling gradients, and the backward
// building block they share: spreading an output gradient back over the input windows
// (ConvTranspose, or a flipped-kernel Conv at stride 1). The weight gradient is in
// conv-weight-grad.ts.

import type { Dim, Value } from "../../ir/value.js";
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
  const channels = weight.shape?.[1];
  const folded = foldedConv(c, g, flipped, channels, geo, pads);
  if (folded) return folded;
  // A zero bias lets ONNX Runtime fuse the Add that sums this gradient with another one (a
  // residual branch's) into the Conv: its Conv+Add fusion only takes Convs that have a bias.
  const inputs = typeof channels === "number" ? [g, flipped, b.fill([channels], 0, c.dtype)] : [g, flipped];
  return b.op("Conv", inputs, { kernel_shape: geo.kernel, dilations: geo.dilations, pads });
}

/** Stacking samples pays off below this many positions per map (fmnist-resnet's 7x7 layers). */
const MAX_FOLDED_POSITIONS = 64;

/**
 * The Conv of g [N, M, H, W] with `kernel` ([out, M, k_h, k_w]) run as one tall image: channels
 * first, the samples stacked along H with `gap` zero rows above each, [1, M, N*(H+gap), W].
 * ONNX Runtime convolves one image at a time and threads only within it, so a 7x7 map gets one
 * thread however many there are; the tall image parallelizes (fmnist-resnet's 64x64 7x7 layer:
 * its Conv 3.0 -> 1.6 ms at 2 threads, plus 0.3 ms of copies; the whole step 60.1 -> 58.6 ms at
 * 2 threads and 77.0 -> 76.4 ms at 1). Null unless the map is small, 2-D, static, and its H pads
 * are equal.
 */
function foldedConv(c: GradContext, g: Value, kernel: Value, out: Dim | undefined, geo: WindowGeometry, pads: readonly number[]): Value | null {
  const dims = staticDims(g.shape);
  if (!dims || geo.n !== 2 || typeof out !== "number" || pads[0] !== pads[2] || dims[2]! * dims[3]! > MAX_FOLDED_POSITIONS) return null;
  const { b } = c;
  const [batch, channels, h, w] = dims as [number, number, number, number];
  const gap = pads[0]!; // the top pad of each sample, which is also the bottom pad of the one above
  const span = extent(geo.kernel[0]!, geo.dilations[0]!);
  const pitch = h + gap; // rows per sample in the stacked image
  const stacked = b.reshape(b.pad(b.transpose(g, [1, 0, 2, 3]), [0, 0, gap, 0, 0, 0, 0, 0]), [1, channels, batch * pitch, w]);
  // A bottom pad of span - 1 makes the output exactly batch * pitch rows, row n*pitch + o being
  // sample n's output row o; the rows past a sample's output height mix two samples and are cut.
  const y = b.op("Conv", [stacked, kernel], { kernel_shape: geo.kernel, dilations: geo.dilations, pads: [0, pads[1]!, span - 1, pads[3]!] });
  const perSample = b.reshape(y, [out, batch, pitch, -1]);
  const rows = b.op("Slice", [perSample, b.ints([0]), b.ints([h + 2 * gap - span + 1]), b.ints([2])]);
  return b.transpose(rows, [1, 0, 2, 3]);
}

function mod(a: number, m: number): number {
  return ((a % m) + m) % m;
}
