// Output sizes of sliding-window ops (Conv, pooling), following ONNX Runtime's arithmetic:
// explicit pads floor (or ceil with ceil_mode, dropping a last window that would start in the
// right padding), SAME_* gives ceil(in / stride), VALID is explicit with zero pads.

import type { Dim } from "../ir/value.js";
import { addDims } from "./dims.js";

export interface WindowParams {
  /** Kernel extent per spatial axis (before dilation). */
  readonly kernel: readonly number[];
  readonly strides?: readonly number[];
  readonly dilations?: readonly number[];
  /** [begin..., end...] as in ONNX. */
  readonly pads?: readonly number[];
  readonly autoPad?: string;
  readonly ceilMode?: boolean;
}

export function windowOutputShape(spatial: readonly Dim[], p: WindowParams): Dim[] {
  const n = spatial.length;
  if (p.kernel.length !== n) throw new Error(`the kernel has ${p.kernel.length} axes but the input has ${n} spatial axes`);
  return spatial.map((d, i) => {
    const k = p.kernel[i]!;
    const s = p.strides?.[i] ?? 1;
    const dil = p.dilations?.[i] ?? 1;
    const autoPad = p.autoPad ?? "NOTSET";
    const [head, tail] = autoPad === "NOTSET" ? [p.pads?.[i] ?? 0, p.pads?.[i + n] ?? 0] : [0, 0];
    return windowOutputDim(d, k, s, dil, head, tail, autoPad, p.ceilMode ?? false);
  });
}

function windowOutputDim(d: Dim, kernel: number, stride: number, dilation: number, head: number, tail: number, autoPad: string, ceilMode: boolean): Dim {
  const extent = (kernel - 1) * dilation + 1;
  if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
    if (typeof d === "number") return Math.ceil(d / stride);
    return stride === 1 ? d : null;
  }
  if (typeof d !== "number") {
    // Only a stride-1 window keeps a symbolic size expressible: in + pads - extent + 1.
    return stride === 1 ? addDims(d, head + tail - extent + 1) : null;
  }
  const numerator = d + head + tail - extent;
  if (!ceilMode) return Math.floor(numerator / stride) + 1;
  let out = Math.ceil(numerator / stride) + 1;
  if ((out - 1) * stride >= d + head) out--;
  return out;
}
