// Elementwise arithmetic with numpy broadcasting: each input's gradient is reduced back to its
// own shape over the axes it was broadcast along.

import type { GradRule } from "../rule.js";

export const add: GradRule = {
  op: "Add",
  grad: (c) => {
    const g = c.grad()!;
    return [c.needsGrad(0) ? c.unbroadcastInput(g, 0) : null, c.needsGrad(1) ? c.unbroadcastInput(g, 1) : null];
  },
};

export const sub: GradRule = {
  op: "Sub",
  grad: (c) => {
    const g = c.grad()!;
    return [c.needsGrad(0) ? c.unbroadcastInput(g, 0) : null, c.needsGrad(1) ? c.unbroadcastInput(c.b.neg(g), 1) : null];
  },
};

export const mul: GradRule = {
  op: "Mul",
  inputsToSave: [0, 1],
  grad: (c) => {
    const { b } = c;
    const g = c.grad()!;
    const [x, y] = [c.input(0), c.input(1)];
    return [c.needsGrad(0) ? c.unbroadcastInput(b.mul(g, y), 0) : null, c.needsGrad(1) ? c.unbroadcastInput(b.mul(g, x), 1) : null];
  },
};

export const div: GradRule = {
  op: "Div",
  inputsToSave: [1],
  outputsToSave: [0],
  grad: (c) => {
    const { b } = c;
    const g = c.grad()!;
    const gOverY = b.div(g, c.input(1));
    // d(x/y)/dy = -(x/y)/y: reuses the output instead of squaring y.
    return [c.needsGrad(0) ? c.unbroadcastInput(gOverY, 0) : null, c.needsGrad(1) ? c.unbroadcastInput(b.neg(b.mul(gOverY, c.output())), 1) : null];
  },
};

export const neg: GradRule = {
  op: "Neg",
  grad: (c) => [c.b.neg(c.grad()!)],
};

export const pow: GradRule = {
  op: "Pow",
  inputsToSave: [0, 1],
  outputsToSave: [0],
  grad: (c) => {
    const { b } = c;
    const g = c.grad()!;
    const x = c.input(0);
    // The exponent may be of another numeric type (int64 powers are common).
    const e = c.input(1).dtype === c.dtype ? c.input(1) : b.op("Cast", [c.input(1)], { to: c.dtype });
    const gx = c.needsGrad(0) ? c.unbroadcastInput(b.mul(g, b.mul(e, b.op("Pow", [x, b.sub(e, b.scalar(1, c.dtype))]))), 0) : null;
    // d(x^e)/de = x^e ln x, defined for x > 0.
    const ge = c.needsGrad(1) ? c.unbroadcastInput(b.mul(g, b.mul(c.output(), b.op("Log", [x]))), 1) : null;
    return [gx, ge];
  },
};

export const sqrt: GradRule = {
  op: "Sqrt",
  outputsToSave: [0],
  grad: (c) => [c.b.div(c.b.mul(c.grad()!, c.b.scalar(0.5, c.dtype)), c.output())],
};

export const exp: GradRule = {
  op: "Exp",
  outputsToSave: [0],
  grad: (c) => [c.b.mul(c.grad()!, c.output())],
};

export const log: GradRule = {
  op: "Log",
  inputsToSave: [0],
  grad: (c) => [c.b.div(c.grad()!, c.input(0))],
};

/** Sum of n inputs broadcast together (exporters emit it for residual sums). */
export const sum: GradRule = {
  op: "Sum",
  grad: (c) => {
    const g = c.grad()!;
    return c.node.inputs.map((v, i) => (v && c.needsGrad(i) ? c.unbroadcastInput(g, i) : null));
  },
};

export const ARITHMETIC_RULES: readonly GradRule[] = [add, sub, mul, div, neg, pow, sqrt, exp, log, sum];
