// Training-step cost on CPU (`npm run bench train`).
// For the zoo's fmnist-resnet (the ResNet-style Fashion-MNIST CNN) at batch 64 and the AG News
// encoder at batch 32 x 64 tokens it prints the training step against two forward-only baselines
// (target for the CNN: step <= 3.5x forward), samples/s at 1 and 2 threads, and one ONNX Runtime
// run per step against the K-step Loop graph; then the Loop comparison for a small MLP, where
// per-run overhead matters most. Each variant runs a block in turn, five rounds (one warm-up run
// per block); medians over all rounds, so drift on a shared machine hits every variant alike.
//
// The baselines: "inference" is the model as deployed (constant weights, so ONNX Runtime folds
// BatchNorm into Conv and pre-packs weights); "training forward" is forward + loss with
// BatchNorm in training mode and the weights fed as inputs, which is what any training step must
// compute before its backward pass, so the step/forward ratio measures backward + update.

import type { Model } from "../src/ir/model.js";
import { buildZooModel } from "../src/zoo/index.js";
import { AGNEWS_ENCODER } from "../src/zoo/catalog.js";
import { openSession } from "../src/runtime/session.js";
import type { HostTensor } from "../src/runtime/host-tensor.js";
import { buildStepGraph, allSlots } from "../src/train/step-graph.js";
import { openRunner, type StepRunner } from "../src/train/runner.js";
import type { Feeds } from "../src/train/batch-feeds.js";
import { tinyMlp, FEATURES, CLASSES } from "../src/train/testing/tiny-models.js";
import { toTrainingMode } from "../src/autodiff/training-mode.js";
import { addSoftmaxCrossEntropy } from "../src/autodiff/losses.js";
import { DataType } from "../src/ir/dtype.js";

const BATCH = 64;
const K = 8;

function randomBatch(inputName: string, dims: number[], classes: number): Feeds {
  const n = dims.reduce((a, b) => a * b, 1);
  let s = 12345;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  return {
    [inputName]: { type: "float32", dims, data: Float32Array.from({ length: n }, () => rand() * 2 - 1) },
    labels: { type: "int64", dims: [dims[0]!], data: BigInt64Array.from({ length: dims[0]! }, (_, i) => BigInt(i % classes)) },
  };
}

/** Token ids in [1, vocab), the last quarter of each row padding (mask 0), and labels. */
function tokenBatch(batch: number, seq: number, vocab: number, classes: number): Feeds {
  let s = 777;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const n = batch * seq;
  const keep = (i: number) => i % seq < seq - seq / 4;
  return {
    input_ids: { type: "int64", dims: [batch, seq], data: BigInt64Array.from({ length: n }, (_, i) => (keep(i) ? BigInt(1 + Math.floor(rand() * (vocab - 1))) : 0n)) },
    attention_mask: { type: "int64", dims: [batch, seq], data: BigInt64Array.from({ length: n }, (_, i) => (keep(i) ? 1n : 0n)) },
    labels: { type: "int64", dims: [batch], data: BigInt64Array.from({ length: batch }, (_, i) => BigInt(i % classes)) },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Appends `runs` timings (ms) of fn to `into`, after one untimed warm-up run. */
async function time(fn: () => Promise<unknown>, runs: number, into: number[]): Promise<void> {
  await fn(); // warm-up: the first run allocates, and another session's threads may still be spinning
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    into.push(performance.now() - t0);
  }
}

/** Rounds in which every variant runs a block in turn, so drift on this shared machine hits all alike. */
const ROUNDS = 5;

interface Measured {
  inference: number;
  forward: number;
  perStep: number;
  loop: number;
}

/** Forward + loss in training mode, parameters and running statistics as inputs: feeds included. */
function trainingForward(model: Model, params: readonly string[]): { model: Model; feeds: Feeds } {
  const { model: tm, runningStats } = toTrainingMode(model);
  const g = tm.graph;
  const labels = g.addInput("labels", { kind: "tensor", dtype: DataType.INT64, shape: [g.outputs[0]!.shape?.[0] ?? "batch"] });
  const loss = addSoftmaxCrossEntropy(g, g.outputs[0]!, labels);
  g.outputs.splice(0, g.outputs.length, loss);
  const feeds: Feeds = {};
  for (const r of runningStats) feeds[r.input] = r.initial!.toHost();
  for (const name of params) {
    const v = g.initializers.get(name)!;
    feeds[name] = v.initializer!.toHost();
    g.initializers.delete(name);
    v.initializer = undefined;
    g.inputs.push(v);
  }
  return { model: tm, feeds };
}

async function measure(model: Model, batch: Feeds, threads: number, runs: number): Promise<Measured> {
  const inputs = model.graph.inputs.filter((v) => !v.initializer).map((v) => v.name);
  const step = buildStepGraph(model, { optimizer: { kind: "sgd", momentum: 0.9 }, batchSize: batch[inputs[0]!]!.dims[0] });
  const tf = trainingForward(model, step.params.map((p) => p.key));
  const inf = await openSession(model, { threads });
  const fwd = await openSession(tf.model, { threads });
  const perRun = await openRunner(step, 1, threads);
  const loop = await openRunner(step, K, threads);
  const state = new Map(allSlots(step).map((s) => [s.key, s.initial.toHost()] as [string, HostTensor]));
  const steps = (runner: StepRunner, k: number) => () => runner.run(Array<Feeds>(k).fill(batch), Array<number>(k).fill(0.01), 1, state);
  const ms = { inference: [] as number[], forward: [] as number[], perStep: [] as number[], loop: [] as number[] };
  const perRound = Math.max(2, Math.ceil((runs * 2) / ROUNDS));
  for (let round = 0; round < ROUNDS; round++) {
    await time(() => inf.run(Object.fromEntries(inputs.map((n) => [n, batch[n]!]))), perRound, ms.inference);
    await time(() => fwd.run({ ...batch, ...tf.feeds }), perRound, ms.forward);
    await time(steps(perRun, 1), perRound, ms.perStep);
    await time(steps(loop, K), Math.max(2, Math.ceil(perRound / K)), ms.loop);
  }
  await Promise.all([inf.release(), fwd.release(), perRun.release(), loop.release()]);
  return { inference: median(ms.inference), forward: median(ms.forward), perStep: median(ms.perStep), loop: median(ms.loop) / K };
}

export type TrainRow = Record<string, string | number>;

/** Step vs forward for fmnist-resnet at batch 64 and the AG News encoder at batch 32, and the Loop comparison for a small MLP, at 1 and 2 threads. */
export async function trainStepRows(runs = 10): Promise<TrainRow[]> {
  const rows: TrainRow[] = [];
  const cases = [
    { label: `fmnist-resnet, batch ${BATCH}`, model: buildZooModel("fmnist-resnet"), batch: randomBatch("input", [BATCH, 1, 28, 28], 10), size: BATCH, runs, digits: 2 },
    { label: "agnews-encoder, batch 32 x 64 tokens", model: buildZooModel("agnews-encoder"), batch: tokenBatch(32, 64, AGNEWS_ENCODER.vocab, AGNEWS_ENCODER.classes), size: 32, runs: Math.ceil(runs / 2), digits: 1 },
    { label: "MLP 6-64-3 + BatchNorm, batch 32", model: tinyMlp(1, 64), batch: randomBatch("x", [32, FEATURES], CLASSES), size: 32, runs: runs * 5, digits: 3 },
  ];
  for (const c of cases) {
    for (const threads of [1, 2]) {
      const m = await measure(c.model, c.batch, threads, c.runs);
      const best = Math.min(m.perStep, m.loop);
      rows.push({
        model: c.label,
        threads,
        "inference ms": m.inference.toFixed(c.digits),
        "training forward ms": m.forward.toFixed(c.digits),
        "step ms (1 per run)": m.perStep.toFixed(c.digits),
        [`step ms (Loop of ${K})`]: m.loop.toFixed(c.digits),
        "step / training forward": (best / m.forward).toFixed(2),
        "step / inference": (best / m.inference).toFixed(2),
        "samples/s": ((c.size * 1000) / best).toFixed(0),
      });
    }
  }
  return rows;
}
