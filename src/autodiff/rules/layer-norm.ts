// LayerNormalization over the axes from `axis` to the last. The statistics are recomputed from
// the input: the node's optional Mean/InvStdDev outputs are in the stash type, not X's.

import type { Value } from "../../ir/value.js";
import { normalizeAxis } from "../../ops/dims.js";
import { range } from "../emitter.js";
import type { GradRule } from "../rule.js";

export const layerNorm: GradRule = {
  op: "LayerNormalization",
  inputsToSave: [0, 1],
  grad: (c) => {
    const { b } = c;
    const g = c.grad()!;
    if (c.grad(1) || c.grad(2)) throw c.fail("its Mean/InvStdDev outputs are not differentiable here");
    const x = c.input(0);
    const scale = c.input(1);
    const rank = c.rank(x);
    const axes = range(normalizeAxis(c.node.getInt("axis", -1), rank), rank);
    const mean = (v: Value) => b.reduce("ReduceMean", v, axes, true);

    const centered = b.sub(x, mean(x));
    const eps = b.scalar(c.node.getFloat("epsilon", 1e-5), c.dtype);
    const inv = b.op("Reciprocal", [b.op("Sqrt", [b.add(mean(b.mul(centered, centered)), eps)])]);
    const xhat = b.mul(centered, inv);

    let gx: Value | null = null;
    if (c.needsGrad(0)) {
      // dx = inv * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = g * scale
      const dxhat = b.mul(g, scale);
      gx = b.mul(inv, b.sub(b.sub(dxhat, mean(dxhat)), b.mul(xhat, mean(b.mul(dxhat, xhat)))));
    }
    const gScale = c.needsGrad(1) ? c.unbroadcast(b.mul(g, xhat), scale) : null;
    const bias = c.optionalInput(2);
    const gBias = bias && c.needsGrad(2) ? c.unbroadcast(g, bias) : null;
    return [gx, gScale, gBias];
  },
};
