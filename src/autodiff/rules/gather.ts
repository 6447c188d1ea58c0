// Gather and GatherElements: the gradient of the data is g scattered back onto zeros, adding
// where an index repeats (an embedding row read twice gets both rows' gradients).

import type { Value } from "../../ir/value.js";
import { DataType } from "../../ir/dtype.js";
import { normalizeAxis } from "../../ops/dims.js";
import { range, staticDims } from "../emitter.js";
import type { GradContext, GradRule } from "../rule.js";

export const gather: GradRule = {
  op: "Gather",
  grad: (c) => {
    const { b } = c;
    const data = c.input(0);
    const r = c.rank(data);
    const q = c.rank(c.input(1));
    const axis = normalizeAxis(c.node.getInt("axis", 0), r);
    const index = b.unsqueeze(nonNegative(c, data, axis), [-1]);
    const g = c.grad()!;
    if (axis === 0) return [b.op("ScatterND", [b.zerosLike(data, c.dtype), index, g], { reduction: "add" }), null];
    // ScatterND indexes leading axes: move the gathered axis (and in g, the index axes) first.
    const permData = [axis, ...range(0, axis), ...range(axis + 1, r)];
    const permG = [...range(axis, axis + q), ...range(0, axis), ...range(axis + q, r + q - 1)];
    const dims = staticDims(data.shape);
    const movedShape = dims ? permData.map((p) => dims[p]!) : b.op("Gather", [b.shapeOf(data), b.ints(permData)]);
    const scattered = b.op("ScatterND", [b.fill(movedShape, 0, c.dtype), index, b.transpose(g, permG)], { reduction: "add" });
    const inverse = new Array<number>(r);
    permData.forEach((p, i) => (inverse[p] = i));
    return [b.transpose(scattered, inverse), null];
  },
};

/** Gather accepts negative indices and int32; ScatterND wants int64 within range. */
function nonNegative(c: GradContext, data: Value, axis: number): Value {
  const { b } = c;
  let idx = c.input(1);
  if (idx.dtype !== DataType.INT64) idx = b.op("Cast", [idx], { to: DataType.INT64 });
  const d = data.shape?.[axis];
  const dim = typeof d === "number" ? b.tensor([d], [], DataType.INT64) : b.reshape(b.vec(b.dimsOf(data, axis, axis + 1)), []);
  return b.op("Where", [b.op("Less", [idx, b.tensor([0], [], DataType.INT64)]), b.add(idx, dim), idx]);
}

export const gatherElements: GradRule = {
  op: "GatherElements",
  grad: (c) => {
    const { b } = c;
    const data = c.input(0);
    const axis = normalizeAxis(c.node.getInt("axis", 0), c.rank(data));
    return [b.op("ScatterElements", [b.zerosLike(data, c.dtype), c.input(1), c.grad()!], { axis, reduction: "add" }), null];
  },
};

export const GATHER_RULES: readonly GradRule[] = [gather, gatherElements];
