// ReduceSum and ReduceMean: the gradient is g broadcast back over the reduced axes (restored as
// size-1 axes first when keepdims=0), divided by the element count for the mean.

import { readAxes } from "../../ops/read-argument.js";
import { normalizeAxis } from "../../ops/dims.js";
import type { GradRule } from "../rule.js";

const reduceRule = (op: "ReduceSum" | "ReduceMean"): GradRule => ({
  op,
  grad: (c) => {
    const { b } = c;
    const x = c.input(0);
    let g = c.grad()!;
    const axes = readAxes(c.node, c.opset);
    const none = axes.kind === "absent" || (axes.kind === "known" && axes.values.length === 0);
    if (none && c.node.getInt("noop_with_empty_axes", 0) === 1) return [g];
    if (c.node.getInt("keepdims", 1) === 0 && !none) {
      if (axes.kind !== "known") throw c.fail("keepdims=0 with axes known only at run time is not supported");
      const rank = c.rank(x);
      g = b.unsqueeze(g, [...new Set(axes.values.map((a) => normalizeAxis(a, rank)))].sort((p, q) => p - q));
    }
    // With every axis reduced, g is a scalar (or all ones) and broadcasts as it is.
    if (op === "ReduceMean") g = b.div(g, b.sizeRatio(x, c.output(), c.dtype));
    return [b.op("Expand", [g, b.vec(b.shapeVec(x))])];
  },
});

export const reduceSum = reduceRule("ReduceSum");
export const reduceMean = reduceRule("ReduceMean");

export const REDUCE_RULES: readonly GradRule[] = [reduceSum, reduceMean];
