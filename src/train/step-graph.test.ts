import { test } from "node:test";
import assert from "node:assert/strict";
import { openSession } from "../runtime/session.js";
import type { HostTensor } from "../runtime/host-tensor.js";
import { toTrainingMode } from "../autodiff/training-mode.js";
import { addSoftmaxCrossEntropy } from "../autodiff/losses.js";
import { buildGradientGraph } from "../autodiff/gradient-graph.js";
import { DataType } from "../ir/dtype.js";
import { buildStepGraph, allSlots, type StepGraph } from "./step-graph.js";
import { tinyMlp, clusterSamples, FEATURES, CLASSES } from "./testing/tiny-models.js";

const BATCH = 12;

function batchFeeds(): Record<string, HostTensor> {
  const samples = clusterSamples(BATCH);
  const x = new Float32Array(BATCH * FEATURES);
  samples.forEach((s, i) => x.set(s.inputs.x!.data as Float32Array, i * FEATURES));
  return {
    x: { type: "float32", dims: [BATCH, FEATURES], data: x },
    labels: { type: "int64", dims: [BATCH], data: BigInt64Array.from(samples, (s) => BigInt(s.label!)) },
  };
}

function stateFeeds(sg: StepGraph): Record<string, HostTensor> {
  return Object.fromEntries(allSlots(sg).map((s) => [s.input, s.initial.toHost()]));
}

test("the step graph's layout: parameters, optimizer state and running statistics in, updated out", () => {
  const sg = buildStepGraph(tinyMlp(), { optimizer: { kind: "adamw" }, clipNorm: 1 });
  assert.deepEqual(sg.params.map((s) => s.key), ["fc1.weight", "fc1.bias", "bn.weight", "bn.bias", "fc2.weight", "fc2.bias"]);
  assert.deepEqual(sg.state.map((s) => s.key).slice(0, 2), ["fc1.weight.m", "fc1.weight.v"]);
  assert.deepEqual(sg.runningStats.map((s) => s.key), ["bn.running_mean", "bn.running_var"]);
  assert.deepEqual(sg.dataInputs, ["x"]);
  assert.equal(sg.target, "labels");
  const g = sg.model.graph;
  const inputs = g.inputs.map((v) => v.name);
  for (const s of allSlots(sg)) {
    assert.ok(inputs.includes(s.input), s.input);
    assert.ok(g.outputs.some((v) => v.name === s.output), s.output);
  }
  assert.ok(inputs.includes("lr") && inputs.includes("step"));
  assert.equal(g.outputs[0]!.name, "loss");
  assert.ok(sg.gradNorm && g.outputs.some((v) => v.name === sg.gradNorm));
  assert.ok(!g.outputs.some((v) => v.name.endsWith("_grad")), "gradients are not outputs");
  assert.equal(g.initializers.has("fc1.weight"), false);
  assert.ok(g.nodes.some((n) => n.opType === "BatchNormalization" && n.getInt("training_mode") === 1));
});

test("plain SGD in the graph equals p - lr * gradient from the autodiff gradient graph", async () => {
  const lr = 0.3;
  const sg = buildStepGraph(tinyMlp(), { optimizer: { kind: "sgd" } });
  const step = await openSession(sg.model, { threads: 1 });
  const r = await step.run({ ...batchFeeds(), ...stateFeeds(sg), lr: { type: "float32", dims: [], data: Float32Array.of(lr) } });
  await step.release();

  const { model: tm } = toTrainingMode(tinyMlp());
  const labels = tm.graph.addInput("labels", { kind: "tensor", dtype: DataType.INT64, shape: ["batch"] });
  addSoftmaxCrossEntropy(tm.graph, tm.graph.outputs.find((v) => v.name === "logits")!, labels);
  const params = sg.params.map((p) => p.key);
  const gg = buildGradientGraph(tm, { loss: "loss", wrt: params });
  const gs = await openSession(gg.model, { threads: 1 });
  const feeds = { ...batchFeeds(), ...Object.fromEntries(sg.runningStats.map((s) => [s.input, s.initial.toHost()])), ...Object.fromEntries(params.map((p) => [p, gg.initialValues.get(p)!.toHost()])) };
  const gr = await gs.run(feeds);
  await gs.release();

  assert.equal((r.loss!.data as Float32Array)[0], (gr.loss!.data as Float32Array)[0]);
  for (const p of sg.params) {
    const w = p.initial.toFloat32();
    const grad = gr[gg.gradientNames.get(p.key)!]!.data as Float32Array;
    const got = r[p.output]!.data as Float32Array;
    got.forEach((v, i) => assert.ok(Math.abs(v - (w[i]! - lr * grad[i]!)) < 1e-6, `${p.key}[${i}]`));
  }
  const mean = r[sg.runningStats[0]!.output]!.data as Float32Array;
  assert.ok(mean.some((v) => v !== 0), "running mean moved toward the batch mean");
});

test("repeated steps with every optimizer lower the loss on a fixed batch", async () => {
  for (const optimizer of [{ kind: "sgd", momentum: 0.9 }, { kind: "adamw" }] as const) {
    const sg = buildStepGraph(tinyMlp(), { optimizer, clipNorm: 5 });
    const s = await openSession(sg.model, { threads: 1 });
    const state = stateFeeds(sg);
    const losses: number[] = [];
    for (let t = 0; t < 12; t++) {
      const hyper: Record<string, HostTensor> = { lr: { type: "float32", dims: [], data: Float32Array.of(optimizer.kind === "sgd" ? 0.1 : 0.02) } };
      if (sg.step) hyper[sg.step] = { type: "float32", dims: [], data: Float32Array.of(t + 1) };
      const r = await s.run({ ...batchFeeds(), ...state, ...hyper });
      losses.push((r.loss!.data as Float32Array)[0]!);
      for (const slot of allSlots(sg)) state[slot.input] = r[slot.output]!;
    }
    await s.release();
    assert.ok(losses.at(-1)! < 0.5 * losses[0]!, `${optimizer.kind}: ${losses.map((l) => l.toFixed(3)).join(" ")}`);
  }
});

test("MSE loss on a regression output takes a float target input", async () => {
  const sg = buildStepGraph(tinyMlp(), { loss: { kind: "mse" }, optimizer: { kind: "sgd" } });
  assert.equal(sg.target, "target");
  const s = await openSession(sg.model, { threads: 1 });
  const feeds = { ...batchFeeds(), ...stateFeeds(sg), lr: { type: "float32" as const, dims: [], data: Float32Array.of(0.05) } };
  delete (feeds as Record<string, unknown>).labels;
  const target: HostTensor = { type: "float32", dims: [BATCH, CLASSES], data: new Float32Array(BATCH * CLASSES).fill(0.5) };
  const losses: number[] = [];
  for (let t = 0; t < 5; t++) {
    const r = await s.run({ ...feeds, target });
    losses.push((r.loss!.data as Float32Array)[0]!);
    for (const slot of allSlots(sg)) (feeds as Record<string, HostTensor>)[slot.input] = r[slot.output]!;
  }
  await s.release();
  assert.ok(losses.at(-1)! < losses[0]!, losses.join(" "));
});

test("bad loss settings are reported before any graph work", () => {
  assert.throws(() => buildStepGraph(tinyMlp(), { loss: { kind: "cross-entropy", output: "nope" }, optimizer: { kind: "sgd" } }), /no output "nope"/);
  assert.throws(() => buildStepGraph(tinyMlp(), { optimizer: { kind: "sgd" }, params: ["missing"] }), /no initializer/);
});

test("a resnet-tiny training step gives the same loss, weights and running statistics on onnxruntime-web as on node", async () => {
  // Every Conv backward form runs here: concatenated windows (3-channel stem), shifted copies
  // (stride 1), the Conv form (strided 3x3), strided windows (1x1 projections); and BatchNorm
  // with batch statistics reused from its outputs.
  const { buildZooModel } = await import("../zoo/index.js");
  const { assertNodeWebAgree } = await import("./testing/node-vs-web.js");
  const { Rng } = await import("../zoo/prng.js");
  const sg = buildStepGraph(buildZooModel("resnet-tiny"), { optimizer: { kind: "sgd", momentum: 0.9 }, batchSize: 4 });
  const rng = new Rng(11);
  const feeds: Record<string, HostTensor> = {
    ...stateFeeds(sg),
    input: { type: "float32", dims: [4, 3, 32, 32], data: Float32Array.from({ length: 4 * 3 * 32 * 32 }, () => rng.next() * 2 - 1) },
    labels: { type: "int64", dims: [4], data: BigInt64Array.from([0n, 3n, 9n, 3n]) },
    [sg.lr]: { type: "float32", dims: [], data: Float32Array.of(0.1) },
  };
  const outputs = [sg.lossOutput, ...allSlots(sg).map((s) => s.output)];
  const node = await assertNodeWebAgree(sg.model, feeds, outputs);
  const moved = sg.params.filter((p) => {
    const before = feeds[p.input]!.data as Float32Array;
    return (node[p.output]!.data as Float32Array).some((v, i) => v !== before[i]);
  });
  assert.equal(moved.length, sg.params.length, "every parameter took a step");
});
