// Dropout: identity in inference; in training y = x * mask / (1 - ratio), so the gradient is
// g masked and scaled the same way. The mask is the node's own output (added when missing), so
// the backward uses exactly the elements the forward dropped.

import type { Value } from "../../ir/value.js";
import { DataType } from "../../ir/dtype.js";
import type { GradContext, GradRule } from "../rule.js";

export const dropout: GradRule = {
  op: "Dropout",
  outputsToSave: [1],
  grad: (c) => {
    const { b } = c;
    const g = c.grad()!;
    if (c.grad(1)) throw c.fail("its mask output is not differentiable");
    const training = trainingMode(c);
    if (training === false) return [g];
    const ratio = ratioOf(c);
    const kept = b.op("Where", [maskOutput(c), g, b.scalar(0, c.dtype)]);
    let scale: Value = typeof ratio === "number" ? b.scalar(1 / (1 - ratio), c.dtype) : b.op("Reciprocal", [b.sub(b.scalar(1, c.dtype), ratio)]);
    // Mode decided at run time: in inference the mask is all true and the scale must be 1.
    if (training !== true) scale = b.op("Where", [training, scale, b.scalar(1, c.dtype)]);
    return [b.mul(kept, scale)];
  },
};

/** true/false when known before running, else the bool input deciding it. */
function trainingMode(c: GradContext): boolean | Value {
  // Before opset 12 Dropout had no training switch: runtimes execute it as identity.
  if (c.opset < 12) return false;
  const t = c.optionalInput(2);
  if (!t) return false;
  const known = c.b.graph.constantValue(t);
  return known ? known.toNumbers()[0] !== 0 : t;
}

function ratioOf(c: GradContext): number | Value {
  const r = c.optionalInput(1);
  if (!r) return 0.5;
  const known = c.b.graph.constantValue(r);
  if (known) return known.toNumbers()[0]!;
  return r.dtype === c.dtype ? r : c.b.op("Cast", [r], { to: c.dtype });
}

function maskOutput(c: GradContext): Value {
  if (c.node.outputs.length > 1) return c.output(1);
  const y = c.output(0);
  const v = c.b.graph.createValue(`${y.name}_mask`, { kind: "tensor", dtype: DataType.BOOL, ...(y.shape ? { shape: y.shape } : {}) });
  c.node.attachOutput(v);
  return v;
}
