// Softmax and LogSoftmax along one axis (opset 13 semantics; older models are upgraded first).

import type { GradContext, GradRule } from "../rule.js";

function axisOf(c: GradContext): number {
  if (c.opset < 13) throw c.fail("Softmax before opset 13 coerces to 2-D; upgrade the model to opset 13");
  return c.node.getInt("axis", -1);
}

export const softmax: GradRule = {
  op: "Softmax",
  outputsToSave: [0],
  grad: (c) => {
    const { b } = c;
    const y = c.output();
    const g = c.grad()!;
    // dx = y * (g - sum(g * y))
    const dot = b.reduceSum(b.mul(g, y), [axisOf(c)], true);
    return [b.mul(y, b.sub(g, dot))];
  },
};

export const logSoftmax: GradRule = {
  op: "LogSoftmax",
  outputsToSave: [0],
  grad: (c) => {
    const { b } = c;
    const g = c.grad()!;
    // dx = g - softmax(x) * sum(g), with softmax = exp(y)
    const total = b.reduceSum(g, [axisOf(c)], true);
    return [b.sub(g, b.mul(b.op("Exp", [c.output()]), total))];
  },
};

export const SOFTMAX_RULES: readonly GradRule[] = [softmax, logSoftmax];
