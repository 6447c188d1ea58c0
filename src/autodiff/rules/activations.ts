// Pointwise activations. Where a function has a kink (Relu, LeakyRelu, Clip) the gradient at
// the kink is that of the side the comparison puts it on, as PyTorch does.

import type { Value } from "../../ir/value.js";
import type { GradContext, GradRule } from "../rule.js";

export const relu: GradRule = {
  op: "Relu",
  outputsToSave: [0],
  grad: (c) => {
    // g * float(y > 0), y = relu(x) (y > 0 exactly where x > 0): ONNX Runtime's Where with a scalar
    // branch is about twice the cost of Greater + Cast + Mul on a [64, 16, 28, 28] tensor. Reading
    // the output, which the next layer keeps anyway, lets the input die at the Relu.
    const { b } = c;
    const mask = b.op("Cast", [b.op("Greater", [c.output(), b.scalar(0, c.dtype)])], { to: c.dtype });
    return [b.mul(c.grad()!, mask)];
  },
};

export const leakyRelu: GradRule = {
  op: "LeakyRelu",
  inputsToSave: [0],
  grad: (c) => {
    const g = c.grad()!;
    const alpha = c.b.scalar(c.node.getFloat("alpha", 0.01), c.dtype);
    return [c.b.op("Where", [c.b.op("Greater", [c.input(0), c.b.scalar(0, c.dtype)]), g, c.b.mul(g, alpha)])];
  },
};

export const sigmoid: GradRule = {
  op: "Sigmoid",
  outputsToSave: [0],
  grad: (c) => {
    const { b } = c;
    const y = c.output();
    return [b.mul(c.grad()!, b.mul(y, b.sub(b.scalar(1, c.dtype), y)))];
  },
};

export const tanh: GradRule = {
  op: "Tanh",
  outputsToSave: [0],
  grad: (c) => {
    const { b } = c;
    const y = c.output();
    return [b.mul(c.grad()!, b.sub(b.scalar(1, c.dtype), b.mul(y, y)))];
  },
};

export const erf: GradRule = {
  op: "Erf",
  inputsToSave: [0],
  grad: (c) => {
    const { b } = c;
    const x = c.input(0);
    // d erf(x)/dx = 2/sqrt(pi) * exp(-x^2)
    return [b.mul(c.grad()!, b.mul(b.scalar(2 / Math.sqrt(Math.PI), c.dtype), b.op("Exp", [b.neg(b.mul(x, x))])))];
  },
};

export const gelu: GradRule = {
  op: "Gelu",
  inputsToSave: [0],
  grad: (c) => {
    const { b } = c;
    const x = c.input(0);
    const k = (v: number) => b.scalar(v, c.dtype);
    const half = k(0.5);
    let d: Value;
    if (c.node.getString("approximate", "none") === "tanh") {
      // y = x/2 (1 + tanh u), u = sqrt(2/pi) (x + 0.044715 x^3)
      const s = Math.sqrt(2 / Math.PI);
      const x2 = b.mul(x, x);
      const t = b.op("Tanh", [b.mul(k(s), b.add(x, b.mul(k(0.044715), b.mul(x2, x))))]);
      const du = b.mul(k(s), b.add(k(1), b.mul(k(3 * 0.044715), x2)));
      const sech2 = b.sub(k(1), b.mul(t, t));
      d = b.add(b.mul(half, b.add(k(1), t)), b.mul(b.mul(half, x), b.mul(sech2, du)));
    } else {
      // y = x Phi(x): dy/dx = Phi(x) + x phi(x)
      const phiCdf = b.mul(half, b.add(k(1), b.op("Erf", [b.mul(x, k(Math.SQRT1_2))])));
      const pdf = b.mul(k(1 / Math.sqrt(2 * Math.PI)), b.op("Exp", [b.mul(k(-0.5), b.mul(x, x))]));
      d = b.add(phiCdf, b.mul(x, pdf));
    }
    return [b.mul(c.grad()!, d)];
  },
};

export const clip: GradRule = {
  op: "Clip",
  inputsToSave: [0, 1, 2],
  grad: (c) => {
    const { b } = c;
    const g = c.grad()!;
    const x = c.input(0);
    const zero = b.scalar(0, c.dtype);
    const [lo, hi] = clipBounds(c);
    let pass: Value | null = null;
    if (lo) pass = b.op("GreaterOrEqual", [x, lo]);
    if (hi) {
      const le = b.op("LessOrEqual", [x, hi]);
      pass = pass ? b.op("And", [pass, le]) : le;
    }
    const gx = pass ? b.op("Where", [pass, g, zero]) : g;
    // The bounds receive the gradient of the elements they clipped (they are scalars).
    const gBound = (i: number, cmp: "Less" | "Greater", bound: Value | null) =>
      c.needsGrad(i) && bound ? b.sumAll(b.op("Where", [b.op(cmp, [x, bound]), g, zero])) : null;
    return [gx, gBound(1, "Less", lo), gBound(2, "Greater", hi)];
  },
};

/** Clip's bounds: inputs from opset 11, attributes before. */
function clipBounds(c: GradContext): [Value | null, Value | null] {
  if (c.opset >= 11) return [c.optionalInput(1), c.optionalInput(2)];
  const lo = c.node.getFloat("min");
  const hi = c.node.getFloat("max");
  return [lo === undefined ? null : c.b.scalar(lo, c.dtype), hi === undefined ? null : c.b.scalar(hi, c.dtype)];
}

export const ACTIVATION_RULES: readonly GradRule[] = [relu, leakyRelu, sigmoid, tanh, erf, gelu, clip];
