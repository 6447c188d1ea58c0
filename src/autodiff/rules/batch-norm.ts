// BatchNormalization, channel axis 1. In training mode the output uses the batch's statistics,
// so the input gradient has the two extra terms through the mean and variance; in inference mode
// the op is a per-channel affine map and the running statistics get gradients as well.
// The running-statistics outputs of training mode are updates, not differentiable values.

import type { Value } from "../../ir/value.js";
import { product, range, staticDims } from "../emitter.js";
import type { GradContext, GradRule } from "../rule.js";

export function isTrainingBatchNorm(node: GradContext["node"], opset: number): boolean {
  // Before opset 14, training was signalled by asking for the statistics outputs.
  return opset >= 14 ? node.getInt("training_mode", 0) === 1 : node.outputs.length > 1;
}

/**
 * k * v + shift for per-channel k and shift ([1, C, 1, ...]) in one pass: a depthwise 1x1 Conv
 * (weight k, bias shift). Being a Conv with a bias, ONNX Runtime fuses an Add of its output into
 * it (Conv+Add fusion, 4-D only), so k * v + shift + w costs one pass: 0.26 ms on [64, 16, 28, 28]
 * where BatchNormalization as the affine map plus Add took 0.77. Without a static channel count
 * (or on [N, C]) it is an inference-mode BatchNormalization with mean 0, variance 1, epsilon 0.
 */
function channelAffine(c: GradContext, v: Value, k: Value, shift: Value): Value {
  const { b } = c;
  const flat = (p: Value) => b.reshape(p, [-1]);
  const channels = v.shape?.[1];
  const rank = c.rank(v);
  if (typeof channels === "number" && rank >= 3) {
    const weight = b.reshape(k, [channels, 1, ...range(2, rank).map(() => 1)]);
    return b.op("Conv", [v, weight, flat(shift)], { group: channels, kernel_shape: range(2, rank).map(() => 1) });
  }
  const zeros = b.zerosLike(flat(k));
  const ones = b.op("Add", [zeros, b.scalar(1, c.dtype)]);
  return b.op("BatchNormalization", [v, flat(k), flat(shift), zeros, ones], { epsilon: 0 });
}

export const batchNorm: GradRule = {
  op: "BatchNormalization",
  inputsToSave: [0, 1, 3, 4],
  outputsToSave: [1, 2],
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
      // Elements per channel; from x's static shape when known (emitted values carry no shape, so
      // sizeRatio would fall back to Size/Cast/Div nodes run every step).
      const xDims = staticDims(x.shape);
      const count = xDims ? b.scalar(product(xDims) / xDims[1]!, c.dtype) : b.sizeRatio(x, sumG, c.dtype);
      // With momentum 0 the statistics outputs are the batch mean and population variance (what
      // toTrainingMode emits): reuse them rather than reduce over x twice more.
      const batchStats = c.node.getFloat("momentum", 0.9) === 0 && c.node.outputs.length >= 3;
      let mean: Value;
      let inv: Value;
      let sumGC: Value; // sum(g * (x - mean)) = sum(g * xhat) / inv
      let centered: Value | null = null;
      if (batchStats) {
        // Uncentered, sum(g * x) - mean * sum(g), so x - mean is never materialized: one full-tensor
        // pass less (1.3 ms of a 78 ms fmnist-resnet step). Its rounding error grows with
        // |mean| / std: at 1000, 1.7e-4 of max |dx| against float64 (1.1e-5 centered), bounded in
        // batch-norm.test.ts.
        mean = perChannel(c.output(1));
        inv = invStd(perChannel(c.output(2)));
        sumGC = b.sub(sum(b.mul(g, x)), b.mul(mean, sumG));
      } else {
        mean = b.reduce("ReduceMean", x, axes, true);
        centered = b.sub(x, mean);
        inv = invStd(b.div(b.reduce("ReduceSumSquare", centered, axes, true), count));
        sumGC = sum(b.mul(g, centered));
      }
      let gx: Value | null = null;
      if (c.needsGrad(0)) {
        // dx = k * (g - mean(g) - xhat * mean(g * xhat)) with k = scale * inv, regrouped per channel as
        // k * g + shift + coef * (x - mean) so that only three passes touch the full tensor.
        const k = b.mul(s, inv);
        const shift = b.neg(b.mul(k, b.div(sumG, count)));
        const coef = b.neg(b.mul(k, b.mul(b.mul(inv, inv), b.div(sumGC, count))));
        gx = centered
          ? b.add(channelAffine(c, g, k, shift), b.mul(centered, coef))
          : b.add(channelAffine(c, g, k, b.sub(shift, b.mul(coef, mean))), b.mul(x, coef));
      }
      return [gx, c.needsGrad(1) ? asParam(b.mul(sumGC, inv), scale) : null, c.needsGrad(2) ? asParam(sumG, c.input(2)) : null, null, null];
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
