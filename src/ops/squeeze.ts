// Squeeze and Unsqueeze; their axes moved from attribute to input at opset 13.

import type { Dim } from "../ir/value.js";
import type { InferContext } from "./infer-context.js";
import { A, defineOp, type OpDef } from "./schema.js";
import { normalizeAxis } from "./dims.js";

/** Output shape and, since the elements do not move, the tracked value with its new dims. */
function emit(c: InferContext, shape: Dim[] | undefined): void {
  c.out(0, c.dtype(0), shape);
  const v = c.value(0);
  if (v && shape?.every((d): d is number => typeof d === "number")) c.outValue(0, { dtype: v.dtype, dims: shape, data: v.data });
}

function squeezeRule(c: InferContext): void {
  const x = c.shape(0);
  const axes = c.arg("axes");
  if (!x || axes.kind === "unknown") return emit(c, undefined);
  if (axes.kind === "absent" || axes.values.length === 0) {
    // Every 1 goes; a symbolic or unknown dim might be 1, so the rank is then unknown.
    if (!x.every((d) => typeof d === "number")) return emit(c, undefined);
    return emit(c, x.filter((d) => d !== 1));
  }
  const drop = new Set(axes.values.map((a) => normalizeAxis(a, x.length)));
  for (const i of drop) if (typeof x[i] === "number" && x[i] !== 1) throw new Error(`Squeeze axis ${i} has size ${x[i]}, not 1`);
  emit(c, x.filter((_, i) => !drop.has(i)));
}

function unsqueezeRule(c: InferContext): void {
  const x = c.shape(0);
  const axes = c.arg("axes");
  if (!x || axes.kind !== "known") return emit(c, undefined);
  const rank = x.length + axes.values.length;
  const ones = new Set(axes.values.map((a) => normalizeAxis(a, rank)));
  const out: Dim[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(ones.has(i) ? 1 : x[k++]!);
  emit(c, out);
}

export const squeezeOps: OpDef[] = [
  defineOp({
    opType: "Squeeze",
    versions: [
      { since: 1, inputs: ["data"], outputs: ["squeezed"], attrs: { axes: A.ints() } },
      { since: 13, inputs: ["data", "axes?"], outputs: ["squeezed"] },
    ],
    infer: squeezeRule,
  }),
  defineOp({
    opType: "Unsqueeze",
    versions: [
      { since: 1, inputs: ["data"], outputs: ["expanded"], attrs: { axes: A.req("ints") } },
      { since: 13, inputs: ["data", "axes"], outputs: ["expanded"] },
    ],
    infer: unsqueezeRule,
  }),
];
