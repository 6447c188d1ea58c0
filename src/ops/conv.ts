// Convolutions: X [N, C, *spatial], W [M, C/group, *kernel] → [N, M, *out], plain and
// quantized (ConvInteger, QLinearConv), and ConvTranspose's inverse arithmetic.

import type { Dim } from "../ir/value.js";
import { DataType } from "../ir/dtype.js";
import type { InferContext } from "./infer-context.js";
import { A, defineOp, type AttrSpec, type OpDef } from "./schema.js";
import { windowOutputShape } from "./window.js";
import { addDims, mulDims } from "./dims.js";

const CONV_ATTRS: Record<string, AttrSpec> = {
  auto_pad: A.string("NOTSET"),
  dilations: A.ints(),
  group: A.int(1),
  kernel_shape: A.ints(),
  pads: A.ints(),
  strides: A.ints(),
};

/** Kernel extents: the attribute, else W's spatial dims when they are numbers. */
function kernelOf(c: InferContext, w: Dim[] | undefined, spatialRank: number): number[] | undefined {
  const k = c.ints("kernel_shape");
  if (k) return k;
  const ws = w?.slice(2);
  return ws && ws.length === spatialRank && ws.every((d): d is number => typeof d === "number") ? ws : undefined;
}

function convShape(c: InferContext, xi: number, wi: number): Dim[] | undefined {
  const x = c.shape(xi);
  if (!x) return undefined;
  const w = c.shape(wi);
  const spatial = x.slice(2);
  const kernel = kernelOf(c, w, spatial.length);
  const out = kernel
    ? windowOutputShape(spatial, { kernel, strides: c.ints("strides"), dilations: c.ints("dilations"), pads: c.ints("pads"), autoPad: c.string("auto_pad") })
    : spatial.map((): Dim => null);
  return [x[0] ?? null, w?.[0] ?? null, ...out];
}

function convTransposeShape(c: InferContext): Dim[] | undefined {
  const x = c.shape(0);
  if (!x) return undefined;
  const w = c.shape(1);
  const spatial = x.slice(2);
  const n = spatial.length;
  const channels = w ? mulDims(w[1] ?? null, c.int("group")) : null;
  const outputShape = c.ints("output_shape");
  if (outputShape) return [x[0] ?? null, channels, ...outputShape.slice(-n)];
  const kernel = kernelOf(c, w, n);
  const strides = c.ints("strides") ?? [];
  const dilations = c.ints("dilations") ?? [];
  const pads = c.ints("pads") ?? [];
  const outputPadding = c.ints("output_padding") ?? [];
  const autoPad = c.string("auto_pad");
  const out = spatial.map((d, i): Dim => {
    const s = strides[i] ?? 1;
    // SAME_*: total padding is chosen so the output is exactly in * stride.
    if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") return mulDims(d, s);
    if (!kernel) return null;
    const extent = (kernel[i]! - 1) * (dilations[i] ?? 1) + 1;
    const pad = autoPad === "VALID" ? 0 : (pads[i] ?? 0) + (pads[i + n] ?? 0);
    // stride * (in - 1) + output_padding + extent - pads, written so a symbolic `in` survives when it can.
    return addDims(mulDims(d, s), (outputPadding[i] ?? 0) + extent - pad - s);
  });
  return [x[0] ?? null, channels, ...out];
}

export const convOps: OpDef[] = [
  defineOp({
    opType: "Conv",
    versions: [{ since: 1, inputs: ["X", "W", "B?"], attrs: CONV_ATTRS }],
    infer: (c) => c.out(0, c.dtype(0), convShape(c, 0, 1)),
  }),
  defineOp({
    opType: "ConvTranspose",
    versions: [{ since: 1, inputs: ["X", "W", "B?"], attrs: { ...CONV_ATTRS, output_padding: A.ints(), output_shape: A.ints() } }],
    infer: (c) => c.out(0, c.dtype(0), convTransposeShape(c)),
  }),
  defineOp({
    opType: "ConvInteger",
    versions: [{ since: 10, inputs: ["x", "w", "x_zero_point?", "w_zero_point?"], outputs: ["y"], attrs: CONV_ATTRS }],
    infer: (c) => c.out(0, DataType.INT32, convShape(c, 0, 1)),
  }),
  defineOp({
    opType: "QLinearConv",
    versions: [
      {
        since: 10,
        inputs: ["x", "x_scale", "x_zero_point", "w", "w_scale", "w_zero_point", "y_scale", "y_zero_point", "B?"],
        outputs: ["y"],
        attrs: CONV_ATTRS,
      },
    ],
    infer: (c) => c.out(0, c.dtype(7) ?? c.dtype(0), convShape(c, 0, 3)),
  }),
];
