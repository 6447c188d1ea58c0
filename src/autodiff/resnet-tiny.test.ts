import { test } from "node:test";
import assert from "node:assert/strict";
import { buildZooModel } from "../zoo/index.js";
import { DataType } from "../ir/dtype.js";
import { Rng } from "../zoo/prng.js";
import { openSession } from "../runtime/session.js";
import type { HostTensor } from "../runtime/host-tensor.js";
import { toTrainingMode } from "./training-mode.js";
import { addSoftmaxCrossEntropy } from "./losses.js";
import { buildGradientGraph } from "./gradient-graph.js";

// The whole of resnet-tiny (Conv, BatchNormalization in training mode, Relu, MaxPool, residual
// Add, GlobalAveragePool, Flatten, Gemm) differentiated with respect to every parameter.
test("resnet-tiny: gradients of every parameter, checked along a random direction, and an SGD step", async () => {
  const { model: trainable, runningStats } = toTrainingMode(buildZooModel("resnet-tiny"));
  const g = trainable.graph;
  const logits = g.outputs.find((v) => v.name === "logits")!;
  const labels = g.addInput("labels", { kind: "tensor", dtype: DataType.INT64, shape: ["batch"] });
  addSoftmaxCrossEntropy(g, logits, labels);
  // Rank >= 1: toTrainingMode adds scalar constants (momentum) that are not parameters.
  const params = [...g.initializers.values()].filter((v) => v.initializer!.dtype === DataType.FLOAT && v.initializer!.dims.length >= 1).map((v) => v.name);
  // 12 convs (stem, two per block, three projections), 12 BatchNorms (scale, bias), fc weight and bias.
  assert.equal(params.length, 12 + 12 * 2 + 2);
  const { model: gm, gradientNames, initialValues } = buildGradientGraph(trainable, { loss: "loss", wrt: params, keep: runningStats.map((r) => r.output) });
  assert.equal(gm.graph.outputs.length, 1 + params.length + runningStats.length);
  assert.ok(!gm.graph.nodes.some((n) => n.domain !== ""), "standard ONNX ops only");

  const rng = new Rng(3);
  const batch = 4;
  const feeds: Record<string, HostTensor> = {
    input: { type: "float32", dims: [batch, 3, 32, 32], data: Float32Array.from({ length: batch * 3 * 32 * 32 }, () => rng.next() * 2 - 1) },
    labels: { type: "int64", dims: [batch], data: BigInt64Array.from([1n, 7n, 3n, 3n]) },
  };
  for (const r of runningStats) feeds[r.input] = r.initial!.toHost();
  const theta = new Map(params.map((p) => [p, Float32Array.from(initialValues.get(p)!.toFloat32())]));
  const dims = new Map(params.map((p) => [p, [...initialValues.get(p)!.dims]]));
  const s = await openSession(gm, { threads: 2 });
  const run = async (weights: Map<string, Float32Array>, outputs: string[]) => {
    for (const [p, data] of weights) feeds[p] = { type: "float32", dims: dims.get(p)!, data };
    return s.run(feeds, outputs);
  };

  const r0 = await run(theta, ["loss", ...gradientNames.values()]);
  const loss0 = (r0.loss!.data as Float32Array)[0]!;
  assert.ok(Number.isFinite(loss0) && loss0 > 0);
  const grads = new Map(params.map((p) => [p, r0[gradientNames.get(p)!]!.data as Float32Array]));
  for (const p of params) {
    assert.deepEqual(r0[gradientNames.get(p)!]!.dims, dims.get(p));
    const gp = grads.get(p)!;
    assert.ok(gp.every(Number.isFinite), `${p}: finite`);
    assert.ok(gp.some((v) => v !== 0), `${p}: not all zero`);
  }

  // Directional derivative: (L(θ + v) - L(θ - v)) / 2 against Σ grad·v. Each tensor's step is
  // 1e-4 of its own RMS: Relu and MaxPool kinks make the finite-difference error grow linearly
  // with the step (about 1% at 1e-3 here), while float32 rounding of the loss (~1e-7) stays
  // below 0.1% of the change this step makes.
  const v = new Map<string, Float32Array>();
  let predicted = 0;
  for (const p of params) {
    const t = theta.get(p)!;
    const rms = Math.sqrt(t.reduce((a, x) => a + x * x, 0) / t.length) || 1;
    const dir = Float32Array.from(t, () => (rng.next() * 2 - 1) * 1e-4 * rms);
    v.set(p, dir);
    grads.get(p)!.forEach((gv, i) => (predicted += gv * dir[i]!));
  }
  const shifted = (sign: number) => new Map(params.map((p) => [p, Float32Array.from(theta.get(p)!, (x, i) => x + sign * v.get(p)![i]!)]));
  const lPlus = ((await run(shifted(1), ["loss"])).loss!.data as Float32Array)[0]!;
  const lMinus = ((await run(shifted(-1), ["loss"])).loss!.data as Float32Array)[0]!;
  const measured = (lPlus - lMinus) / 2;
  // Seeds 3-5 give 0.15%-1.2% relative error; a wrong rule anywhere shows up far above 3%.
  assert.ok(Math.abs(predicted - measured) <= 0.03 * Math.abs(measured), `directional derivative ${predicted} vs finite difference ${measured}`);

  // One SGD step downhill lowers the loss.
  const lr = 0.05;
  const stepped = new Map(params.map((p) => [p, Float32Array.from(theta.get(p)!, (x, i) => x - lr * grads.get(p)![i]!)]));
  const loss1 = ((await run(stepped, ["loss"])).loss!.data as Float32Array)[0]!;
  assert.ok(loss1 < loss0, `loss ${loss0} -> ${loss1}`);
  await s.release();
});
