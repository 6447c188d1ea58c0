// Slice: starts/ends/axes attributes before opset 10, inputs (with steps) from 10. Indices are
// clamped as ONNX says (negative counts from the end, INT64_MAX means "to the end"). A symbolic
// dim survives only a full-range slice; other slices of it are unknown.

import type { Dim } from "../ir/value.js";
import type { InferContext } from "./infer-context.js";
import { A, defineOp, type OpDef } from "./schema.js";
import { minDim, normalizeAxis } from "./dims.js";
import type { IntsArgument } from "./argument.js";
import { selectAlongAxes } from "./sym-tensor.js";

/** Beyond this, an end means "to the end" (exporters write INT64_MAX or INT32_MAX). */
const HUGE = 2 ** 31 - 1;

/** The positions a slice keeps along a dim of known size `d`. */
export function sliceIndices(d: number, start: number, end: number, step: number): number[] {
  if (step === 0) throw new Error("Slice step cannot be 0");
  const s = start < 0 ? start + d : start;
  const e = end < 0 ? end + d : end;
  const out: number[] = [];
  if (step > 0) for (let i = clamp(s, 0, d); i < clamp(e, 0, d); i += step) out.push(i);
  else for (let i = clamp(s, -1, d - 1); i > clamp(e, -1, d - 1); i += step) out.push(i);
  return out;
}

/** How many positions a slice keeps along a dim of known size `d` (same clamping, no list). */
export function sliceLength(d: number, start: number, end: number, step: number): number {
  if (step === 0) throw new Error("Slice step cannot be 0");
  const s = start < 0 ? start + d : start;
  const e = end < 0 ? end + d : end;
  if (step > 0) return Math.max(0, Math.ceil((clamp(e, 0, d) - clamp(s, 0, d)) / step));
  return Math.max(0, Math.ceil((clamp(s, -1, d - 1) - clamp(e, -1, d - 1)) / -step));
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}

function sliceDim(d: Dim, start: number, end: number, step: number): Dim {
  if (typeof d === "number") return sliceLength(d, start, end, step);
  const forward = step === 1 && start === 0 && end >= HUGE;
  const backward = step === -1 && (start === -1 || start >= HUGE) && end <= -HUGE;
  return forward || backward ? d : null;
}

function sliceRule(c: InferContext): void {
  const x = c.shape(0);
  if (!x) return c.out(0, c.dtype(0), undefined);
  const starts = c.arg("starts");
  const ends = c.arg("ends");
  const axesArg = c.arg("axes");
  const stepsArg = c.version.since >= 10 ? c.arg("steps") : ({ kind: "absent" } as const);
  if (starts.kind === "known" && ends.kind === "unknown" && axesArg.kind !== "unknown" && stepsArg.kind !== "unknown") {
    const symbolic = symbolicPrefixSlice(c, x, starts.values, axesArg, stepsArg);
    if (symbolic) return c.out(0, c.dtype(0), symbolic);
  }
  if (starts.kind !== "known" || ends.kind !== "known" || axesArg.kind === "unknown" || stepsArg.kind === "unknown") {
    const touched = axesArg.kind === "known" ? new Set(axesArg.values.map((a) => normalizeAxis(a, x.length))) : undefined;
    return c.out(0, c.dtype(0), x.map((d, i) => (touched && !touched.has(i) ? d : null)));
  }
  const axes = axesArg.kind === "known" ? axesArg.values : starts.values.map((_, i) => i);
  const steps = stepsArg.kind === "known" ? stepsArg.values : starts.values.map(() => 1);
  const out = [...x];
  const v = c.value(0);
  const picks = v?.dims.map((len) => [...Array(len).keys()]);
  axes.forEach((raw, k) => {
    const a = normalizeAxis(raw, x.length);
    out[a] = sliceDim(x[a]!, starts.values[k]!, ends.values[k]!, steps[k]!);
    if (picks && v) picks[a] = sliceIndices(v.dims[a]!, starts.values[k]!, ends.values[k]!, steps[k]!);
  });
  c.out(0, c.dtype(0), out);
  if (v && picks) c.outValue(0, selectAlongAxes(v, picks));
}

/**
 * Slices from 0 to a tracked symbolic end s with step 1 (x[:seq_len] of a position table): a dim
 * of known size d becomes min(s, d), a symbolic dim s itself. Undefined when any sliced axis is
 * not of that form.
 */
function symbolicPrefixSlice(c: InferContext, x: Dim[], starts: number[], axesArg: IntsArgument, stepsArg: IntsArgument): Dim[] | undefined {
  const ends = c.value(2)?.data;
  if (!ends || ends.length !== starts.length) return undefined;
  const axes = axesArg.kind === "known" ? axesArg.values : starts.map((_, i) => i);
  const steps = stepsArg.kind === "known" ? stepsArg.values : starts.map(() => 1);
  const out = [...x];
  for (let k = 0; k < axes.length; k++) {
    const a = normalizeAxis(axes[k]!, x.length);
    const end = ends[k]!;
    if (starts[k] !== 0 || steps[k] !== 1 || typeof end !== "string") return undefined;
    const d = x[a]!;
    if (typeof d === "number") out[a] = minDim(end, d);
    else if (d === end) out[a] = d;
    else return undefined;
  }
  return out;
}

export const sliceOps: OpDef[] = [
  defineOp({
    opType: "Slice",
    versions: [
      { since: 1, inputs: ["data"], outputs: ["output"], attrs: { axes: A.ints(), ends: A.req("ints"), starts: A.req("ints") } },
      { since: 10, inputs: ["data", "starts", "ends", "axes?", "steps?"], outputs: ["output"] },
    ],
    infer: sliceRule,
  }),
];
