// Concat and Split are each other's adjoint along one axis.

import type { Value } from "../../ir/value.js";
import { normalizeAxis } from "../../ops/dims.js";
import type { ShapeVec } from "../emitter.js";
import type { GradRule } from "../rule.js";

export const concat: GradRule = {
  op: "Concat",
  grad: (c) => {
    const { b } = c;
    const inputs = c.node.inputs.filter((v): v is Value => v !== null);
    const axis = normalizeAxis(c.node.getInt("axis", 0), c.rank(inputs[0]!));
    // Each input's extent along the axis, static where known.
    const sizes: ShapeVec[] = inputs.map((v) => b.dimsOf(v, axis, axis + 1));
    const parts = b.split(c.grad()!, b.concatShape(sizes), axis, inputs.length);
    let k = 0;
    return c.node.inputs.map((v) => (v ? parts[k++]! : null));
  },
};

export const split: GradRule = {
  op: "Split",
  grad: (c) => {
    const { b } = c;
    const x = c.input(0);
    const axis = normalizeAxis(c.node.getInt("axis", 0), c.rank(x));
    // Outputs that do not reach the loss contribute zeros of their own shape.
    const parts = c.node.outputs.map((y, i) => c.grad(i) ?? b.zerosLike(y, c.dtype));
    return [b.op("Concat", parts, { axis }), null];
  },
};

export const CONCAT_SPLIT_RULES: readonly GradRule[] = [concat, split];
