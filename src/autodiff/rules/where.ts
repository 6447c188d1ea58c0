// Where: each branch receives g where it was selected, reduced to its own (broadcast) shape.

import type { GradRule } from "../rule.js";

export const where: GradRule = {
  op: "Where",
  inputsToSave: [0],
  grad: (c) => {
    const { b } = c;
    const g = c.grad()!;
    const cond = c.input(0);
    const zero = b.scalar(0, c.output().dtype ?? c.dtype);
    const gx = c.needsGrad(1) ? c.unbroadcastInput(b.op("Where", [cond, g, zero]), 1) : null;
    const gy = c.needsGrad(2) ? c.unbroadcastInput(b.op("Where", [cond, zero, g]), 2) : null;
    return [null, gx, gy];
  },
};
