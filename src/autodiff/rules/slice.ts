// Slice: the gradient is g placed back where the slice came from, zeros elsewhere. With constant
// unit-step arguments and static sliced dims that is one Pad; otherwise the same Slice is applied
// to a tensor of flat element numbers to learn where each element came from, and g is scattered there.

import type { Value } from "../../ir/value.js";
import { readIntsArgument } from "../../ops/read-argument.js";
import { normalizeAxis } from "../../ops/dims.js";
import { DataType } from "../../ir/dtype.js";
import { range } from "../emitter.js";
import type { GradContext, GradRule } from "../rule.js";

export const slice: GradRule = {
  op: "Slice",
  grad: (c) => [padBack(c) ?? scatterBack(c)],
};

function padBack(c: GradContext): Value | null {
  const x = c.input(0);
  const shape = x.shape;
  if (!shape) return null;
  const rank = shape.length;
  const arg = (name: string) => readIntsArgument(c.node, name, c.opset);
  const [starts, ends, axesArg, stepsArg] = [arg("starts"), arg("ends"), arg("axes"), c.opset >= 10 ? arg("steps") : ({ kind: "absent" } as const)];
  if (starts.kind !== "known" || ends.kind !== "known" || axesArg.kind === "unknown" || stepsArg.kind === "unknown") return null;
  if (stepsArg.kind === "known" && stepsArg.values.some((s) => s !== 1)) return null;
  const axes = axesArg.kind === "known" ? axesArg.values.map((a) => normalizeAxis(a, rank)) : range(0, starts.values.length);
  const pads = new Array<number>(2 * rank).fill(0);
  for (let i = 0; i < axes.length; i++) {
    const a = axes[i]!;
    const dim = shape[a];
    if (typeof dim !== "number") return null;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    const begin = clamp(starts.values[i]!);
    const end = Math.max(begin, clamp(ends.values[i]!));
    pads[a] = begin;
    pads[rank + a] = dim - end;
  }
  return c.b.pad(c.grad()!, pads);
}

function scatterBack(c: GradContext): Value {
  const { b } = c;
  const x = c.input(0);
  const size = b.op("Size", [x]);
  const numbers = b.reshapeLike(b.op("Range", [b.tensor([0], [], DataType.INT64), size, b.tensor([1], [], DataType.INT64)]), x);
  // The forward's own arguments, so every clamping and negative-step rule is ONNX Runtime's.
  const args = c.node.inputs.slice(1);
  const picked = b.op("Slice", [numbers, ...args], Object.fromEntries(c.node.attributes));
  const zeros = b.fill(b.reshape(size, [1]), 0, c.dtype);
  const flat = b.op("ScatterElements", [zeros, b.reshape(picked, [-1]), b.reshape(c.grad()!, [-1])], { axis: 0 });
  return b.reshapeLike(flat, x);
}
