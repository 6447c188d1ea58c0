// BatchNormalization, channel axis 1. In training mode the output uses the batch's statistics,
// so the input gradient has the two extra terms through the mean and variance; in inference mode
// the op is a per-channel affine map and the running statistics get gradients as well.
// The running-statistics outputs of training mode are updates, not differentiable values.

import type { Value } from "../../ir/value.js";
import { range } from "../emitter.js";
import type { GradContext, GradRule } from "../rule.js";

export function isTrainingBatchNorm(node: GradContext["node"], opset: number): boolean {
  // Before opset 14, training was signalled by asking for the statistics outputs.
  return opset >= 14 ? node.getInt("training_mode", 0) === 1 : node.outputs.length > 1;
}

export const batchNorm: GradRule = {
  op: "BatchNormalization",
  inputsToSave: [0, 1, 3, 4],
  grad: (c) => {
    const { b } = c;
    const g = c.grad()!;
    if (c.node.outputs.slice(1).some((_, i) => c.grad(i + 1))) throw c.fail("its running-statistics outputs are not differentiable");
    const x = c.input(0);
    const scale = c.input(1);
    const rank = c.rank(x);
    const axes = [0, ...range(2, rank)];
    // Per-channel [C] vectors as [1, C, 1, ...] so they broadcast against x.
    const perChannel = (v: Value) => b.reshape(v, [1, -1, ...range(2, rank).map(() => 1)]);
    const asParam = (v: Value, like: Value) => b.reshapeLike(v, like);
    const sum = (v: Value) => b.reduceSum(v, axes, true);
    const eps = b.scalar(c.node.getFloat("epsilon", 1e-5), c.dtype);
    const invStd = (variance: Value) => b.op("Reciprocal", [b.op("Sqrt", [b.add(variance, eps)])]);
    const s = perChannel(scale);
    const sumG = sum(g);

    if (isTrainingBatchNorm(c.node, c.opset)) {
      const mean = (v: Value) => b.reduce("ReduceMean", v, axes, true);
      const centered = b.sub(x, mean(x));
      const inv = invStd(mean(b.mul(centered, centered)));
      const xhat = b.mul(centered, inv);
      const sumGX = sum(b.mul(g, xhat));
      let gx: Value | null = null;
      if (c.needsGrad(0)) {
        // dx = scale * inv * (g - mean(g) - xhat * mean(g * xhat)), means over N and the spatial axes.
        const count = b.sizeRatio(x, sumG, c.dtype);
        const inner = b.sub(b.sub(g, b.div(sumG, count)), b.mul(xhat, b.div(sumGX, count)));
        gx = b.mul(b.mul(s, inv), inner);
      }
      return [gx, c.needsGrad(1) ? asParam(sumGX, scale) : null, c.needsGrad(2) ? asParam(sumG, c.input(2)) : null, null, null];
    }

    const runningMean = c.input(3);
    const inv = invStd(perChannel(c.input(4)));
    const centered = b.sub(x, perChannel(runningMean));
    const sumGC = sum(b.mul(g, centered));
    const gx = c.needsGrad(0) ? b.mul(g, b.mul(s, inv)) : null;
    const gScale = c.needsGrad(1) ? asParam(b.mul(sumGC, inv), scale) : null;
    const gBias = c.needsGrad(2) ? asParam(sumG, c.input(2)) : null;
    const gMean = c.needsGrad(3) ? asParam(b.neg(b.mul(sumG, b.mul(s, inv))), runningMean) : null;
    // d inv / d var = -inv^3 / 2
    const inv3 = b.mul(inv, b.mul(inv, inv));
    const gVar = c.needsGrad(4) ? asParam(b.mul(b.mul(sumGC, s), b.mul(b.scalar(-0.5, c.dtype), inv3)), c.input(4)) : null;
    return [gx, gScale, gBias, gMean, gVar];
  },
};
