import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, readdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluateAccuracy } from "../evaluate/accuracy.js";
import { parseModel } from "../ir/serde/load.js";
import { serializeModel } from "../ir/serde/save.js";
import { train, type TrainProgress } from "./trainer.js";
import { readCheckpoint } from "./checkpoint.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { DataType } from "../ir/dtype.js";
import { tinyMlp, clusterDataset } from "./testing/tiny-models.js";

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "quanta-train-"));
  test.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

test("training lowers the loss, evaluates each epoch and returns a plain inference model", async () => {
  const model = tinyMlp();
  const data = clusterDataset(96);
  const progress: TrainProgress[] = [];
  const before = await evaluateAccuracy(model, clusterDataset(60, 99));
  const r = await train(model, data, { optimizer: { kind: "adamw" }, lr: 0.01, batchSize: 16, epochs: 3, eval: clusterDataset(60, 99), seed: 3, onProgress: (p) => progress.push(p) });
  assert.equal(r.step, 18);
  assert.equal(r.stepsPerEpoch, 6);
  assert.equal(r.epochs.length, 3);
  assert.ok(r.epochs[2]!.loss < 0.6 * r.epochs[0]!.loss, r.epochs.map((e) => e.loss).join(" "));
  assert.ok(r.epochs[2]!.evalAccuracy! >= 0.95 && r.epochs[2]!.evalAccuracy! > before.accuracy, `${before.accuracy} -> ${r.epochs[2]!.evalAccuracy}`);
  assert.equal(progress.at(-1)!.step, 18);
  assert.ok(progress.every((p) => p.samplesPerSecond > 0 && Number.isFinite(p.loss)));

  // The result is the user's graph with new weights: same nodes, BatchNorm in inference mode.
  const out = parseModel(serializeModel(r.model));
  assert.deepEqual(out.graph.nodes.map((n) => n.opType), model.graph.nodes.map((n) => n.opType));
  assert.ok(!out.graph.nodes.some((n) => n.getInt("training_mode") === 1));
  assert.deepEqual(out.graph.inputs.map((v) => v.name), ["x"]);
  const mean = out.graph.initializers.get("bn.running_mean")!.initializer!.toFloat32();
  assert.ok(mean.some((v) => v !== 0), "learned running statistics");
  const after = await evaluateAccuracy(out, clusterDataset(60, 99));
  assert.equal(after.accuracy, r.epochs[2]!.evalAccuracy);
});

test("a model that predicts one class for every evaluation sample gets a warning; a healthy run none", async () => {
  // fc2's weights zeroed and only fc1 trained: the logits are fc2's bias whatever the input,
  // and no gradient reaches fc1, so the run stays collapsed on class 0.
  const zero = tinyMlp();
  const set = (name: string, fill: (i: number) => number) => {
    const v = zero.graph.initializers.get(name)!;
    v.initializer = Tensor.fromArray(DataType.FLOAT, v.initializer!.dims, Float32Array.from({ length: v.initializer!.size }, (_, i) => fill(i)));
  };
  set("fc2.weight", () => 0);
  set("fc2.bias", (i) => (i === 0 ? 1 : 0));
  const eval0 = await evaluateAccuracy(zero, clusterDataset(30, 99));
  assert.deepEqual([eval0.predictedClasses, eval0.labelClasses], [1, 3]);
  const r = await train(zero, clusterDataset(48), { batchSize: 16, epochs: 2, params: ["fc1.bias"], eval: clusterDataset(30, 99) });
  assert.deepEqual(r.warnings.filter((w) => w.includes("one class")), ["epoch 1: every evaluation sample was predicted as the same class (the model collapsed to one class); try a lower --lr, --warmup or --clip-norm"]);
  const healthy = await train(tinyMlp(), clusterDataset(48), { optimizer: { kind: "adamw" }, lr: 0.01, batchSize: 16, epochs: 2, eval: clusterDataset(30, 99) });
  assert.ok(!healthy.warnings.some((w) => w.includes("one class")), healthy.warnings.join("; "));
});

test("the K-step Loop graph and one run per step train to the same weights", async () => {
  const common = { optimizer: { kind: "sgd", momentum: 0.9, weightDecay: 1e-3 } as const, lr: 0.05, batchSize: 8, epochs: 2, seed: 1, clipNorm: 3, schedule: { kind: "cosine" } as const, warmup: 2 };
  const single = await train(tinyMlp(), clusterDataset(40), { ...common, stepsPerRun: 1 });
  const looped = await train(tinyMlp(), clusterDataset(40), { ...common, stepsPerRun: 3 });
  assert.equal(single.stepsPerRun, 1);
  assert.equal(looped.stepsPerRun, 3);
  assert.equal(single.step, 10);
  for (const [name, v] of single.model.graph.initializers) {
    const a = v.initializer!.toFloat32();
    const b = looped.model.graph.initializers.get(name)!.initializer!.toFloat32();
    a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) <= 1e-5 * Math.max(1, Math.abs(x)), `${name}[${i}]: ${x} vs ${b[i]}`));
  }
});

test("checkpoints at epoch ends and every N steps, keeping only the latest; --steps caps the run", async () => {
  const dir = tempDir();
  const seen: number[] = [];
  const r = await train(tinyMlp(), clusterDataset(40), { batchSize: 8, epochs: 3, maxSteps: 12, checkpointDir: dir, checkpointEvery: 3, onCheckpoint: (c) => void seen.push(c.step) });
  assert.equal(r.step, 12);
  assert.deepEqual(seen, [3, 5, 6, 9, 10, 12]);
  assert.deepEqual(readdirSync(dir), ["step-00000012"]);
  const ck = readCheckpoint(join(dir, "step-00000012"));
  assert.equal(ck.meta.step, 12);
  assert.equal(ck.meta.epoch, 2);
  assert.equal(ck.meta.stepInEpoch, 2);
  assert.deepEqual([...ck.optimizer.keys()], ck.meta.state);
  assert.ok(existsSync(join(dir, "step-00000012", "model.onnx")));
  await assert.rejects(train(tinyMlp(), clusterDataset(40), { batchSize: 8, checkpointDir: dir }), /already holds checkpoints/);
  await assert.rejects(train(tinyMlp(), clusterDataset(40), { batchSize: 8, checkpointDir: dir, resume: true, seed: 9 }), /--seed 0, this run has 9/);
});

test("a resumed run in the same process ends with the uninterrupted run's weights", async () => {
  const dir = tempDir();
  const opts = { optimizer: { kind: "adamw" } as const, batchSize: 8, epochs: 2, seed: 5, stepsPerRun: 2, schedule: { kind: "step", every: 3 } as const };
  const full = await train(tinyMlp(), clusterDataset(40), opts);
  await train(tinyMlp(), clusterDataset(40), { ...opts, maxSteps: 7, checkpointDir: dir, checkpointEvery: 7 });
  const resumed = await train(tinyMlp(), clusterDataset(40), { ...opts, checkpointDir: dir, resume: true });
  assert.equal(resumed.startStep, 7);
  assert.equal(resumed.step, 10);
  assert.deepEqual(resumed.epochs.map((e) => e.step), [5, 10]);
  for (const [name, v] of full.model.graph.initializers) {
    assert.deepEqual(resumed.model.graph.initializers.get(name)!.initializer!.toFloat32(), v.initializer!.toFloat32(), name);
  }
});

test("labels outside the model's classes are reported with the sample", async () => {
  const data = clusterDataset(16);
  const bad = { ...data, get: async (i: number) => ({ ...(await data.get(i)), label: i === 5 ? 7 : (await data.get(i)).label! }) };
  await assert.rejects(train(tinyMlp(), bad, { batchSize: 8 }), /sample 5 of .* has label 7, outside the model's 3 classes/);
});
