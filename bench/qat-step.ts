// QAT step cost (`npm run bench -- qat`): one fine-tuning step of the fake-quantized training graph
// `quanta qat` builds against one step of the same prepared float model, same batch, same
// optimizer, 1 thread. Issue target: QAT step <= 1.3x float step. The two runners take turns in
// blocks over five rounds (one warm-up run per block), medians over all rounds, so drift on a
// shared machine hits both alike.

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Model } from "../src/ir/model.js";
import { loadModel } from "../src/ir/serde/load.js";
import { cloneModel } from "../src/ir/serde/clone-model.js";
import { openDataset } from "../src/data/open-dataset.js";
import type { Dataset } from "../src/data/dataset.js";
import { runPasses } from "../src/passes/pass.js";
import { prepareFloat } from "../src/quant/static.js";
import { staticConfig } from "../src/quant/config.js";
import { staticState } from "../src/quant/passes/static-state.js";
import { fakeQuantPipeline } from "../src/quant/pipelines.js";
import type { FakeQuantReport } from "../src/quant/passes/insert-fake-quant.js";
import { trainableParams } from "../src/train/trainable-params.js";
import { buildStepGraph, allSlots } from "../src/train/step-graph.js";
import { openRunner } from "../src/train/runner.js";
import type { Feeds } from "../src/train/batch-feeds.js";
import type { HostTensor } from "../src/runtime/host-tensor.js";

const BATCH = 64;
const ROUNDS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One batch of real images and labels, stacked along the batch axis. */
async function realBatch(ds: Dataset, input: string): Promise<Feeds> {
  const samples = await Promise.all(Array.from({ length: BATCH }, (_, i) => ds.get(i)));
  const first = samples[0]!.inputs[input]!;
  const per = first.data.length;
  const data = new Float32Array(per * BATCH);
  samples.forEach((s, i) => data.set(s.inputs[input]!.data as Float32Array, i * per));
  const labels = BigInt64Array.from(samples, (s) => BigInt(s.label ?? 0));
  return { [input]: { type: "float32", dims: [BATCH, ...first.dims], data }, labels: { type: "int64", dims: [BATCH], data: labels } };
}

/** The float model after static's preparation, and the fake-quantized copy qat trains, with its trainable weights. */
async function graphs(path: string, ds: Dataset): Promise<{ float: Model; fake: Model; params: string[] }> {
  const float = loadModel(path);
  await prepareFloat(float);
  const fake = cloneModel(float);
  let report: FakeQuantReport | undefined;
  await runPasses(fake, fakeQuantPipeline(staticState(staticConfig()), { data: ds, calibration: { observer: "minmax", samples: 100, symmetric: false }, onReport: (r) => (report = r) }));
  const params = trainableParams(fake.graph, fake.graph.outputs[0]!, new Set(report!.frozen));
  return { float, fake, params };
}

async function stepMs(models: { float: Model; fake: Model; params: string[] }, batch: Feeds, runs: number): Promise<{ float: number; qat: number }> {
  const opts = { optimizer: { kind: "sgd" as const, momentum: 0.9 }, batchSize: BATCH };
  const steps = {
    float: buildStepGraph(models.float, opts),
    qat: buildStepGraph(models.fake, { ...opts, params: models.params }),
  };
  const ms: Record<"float" | "qat", number[]> = { float: [], qat: [] };
  const runners = { float: await openRunner(steps.float, 1, 1), qat: await openRunner(steps.qat, 1, 1) };
  const state = {
    float: new Map(allSlots(steps.float).map((s) => [s.key, s.initial.toHost()] as [string, HostTensor])),
    qat: new Map(allSlots(steps.qat).map((s) => [s.key, s.initial.toHost()] as [string, HostTensor])),
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const k of ["float", "qat"] as const) {
      await runners[k].run([batch], [0.001], 1, state[k]); // warm-up
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await runners[k].run([batch], [0.001], 1, state[k]);
        ms[k].push(performance.now() - t0);
      }
    }
  }
  await Promise.all([runners.float.release(), runners.qat.release()]);
  return { float: median(ms.float), qat: median(ms.qat) };
}

export type QatStepRow = Record<string, string | number>;

/** QAT step vs float step on the Fashion-MNIST CNNs quanta's QAT table uses. */
export async function qatStepRows(root: string, shared: string, runs = 6): Promise<QatStepRow[]> {
  const images = join(root, "data", "fashion-mnist", "t10k-images-idx3-ubyte.gz");
  const labels = images.replace("images-idx3", "labels-idx1");
  const cases = [
    { name: "fmnist-cnn (quanta-trained)", path: join(root, "models", "fmnist-cnn.onnx"), options: {} },
    { name: "fmnist-cnn-lazybogdi (PyTorch)", path: join(shared, "models", "fmnist-cnn-lazybogdi.onnx"), options: { mean: [0.5], std: [0.5] } },
  ].filter((c) => existsSync(c.path));
  const rows: QatStepRow[] = [];
  for (const c of cases) {
    const ds = await openDataset(images, { labels, ...c.options });
    const models = await graphs(c.path, ds);
    const batch = await realBatch(ds, models.float.graph.inputs.find((v) => !v.initializer)!.name);
    const m = await stepMs(models, batch, runs);
    rows.push({
      model: c.name,
      batch: BATCH,
      "float step ms": m.float.toFixed(1),
      "QAT step ms": m.qat.toFixed(1),
      "QAT / float": (m.qat / m.float).toFixed(2),
    });
  }
  return rows;
}
