// Ops that only move elements: the gradient is the output gradient moved back. Every
// shape-changing op without reordering (Flatten, Reshape, Squeeze, Unsqueeze) is undone by one
// Reshape to the input's shape; Transpose by the inverse permutation; Expand by unbroadcasting.

import type { GradRule } from "../rule.js";

const reshapeBack = (op: string): GradRule => ({
  op,
  grad: (c) => [c.b.reshapeLike(c.grad()!, c.input(0))],
});

export const flatten = reshapeBack("Flatten");
export const reshape = reshapeBack("Reshape");
export const squeeze = reshapeBack("Squeeze");
export const unsqueeze = reshapeBack("Unsqueeze");

export const transpose: GradRule = {
  op: "Transpose",
  grad: (c) => {
    const rank = c.rank(c.input(0));
    const perm = c.node.getInts("perm") ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
    const inverse = new Array<number>(rank);
    perm.forEach((p, i) => (inverse[p] = i));
    return [c.b.transpose(c.grad()!, inverse)];
  },
};

export const expand: GradRule = {
  op: "Expand",
  grad: (c) => [c.unbroadcast(c.grad()!, c.input(0))],
};

export const identity: GradRule = {
  op: "Identity",
  grad: (c) => [c.grad()],
};

export const cast: GradRule = {
  op: "Cast",
  // Back to the input's float type; integer inputs get none (needsGrad is false for them).
  grad: (c) => [c.needsGrad(0) ? c.b.op("Cast", [c.grad()!], { to: c.dtype }) : null],
};

export const LAYOUT_RULES: readonly GradRule[] = [flatten, reshape, squeeze, unsqueeze, transpose, expand, identity, cast];
