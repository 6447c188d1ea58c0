// `npm start`: the main job on what ships with the project (no downloads). A float model is
// quantized three ways — dynamic int8, static int8, float16 — and every variant is measured
// against it in ONNX Runtime: file size, latency (interleaved in one process), accuracy on real
// data where the project has some, and a one-line verdict per flavor.

import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { buildZooModel } from "../zoo/index.js";
import { saveModel } from "../ir/serde/save.js";
import { loadModel } from "../ir/serde/load.js";
import type { Model } from "../ir/model.js";
import { evaluateAccuracy } from "../evaluate/accuracy.js";
import { openDataset } from "../data/open-dataset.js";
import { randomDataset } from "../data/random-dataset.js";
import type { Dataset } from "../data/dataset.js";
import { quantizeStatic } from "../quant/static.js";
import { staticConfig } from "../quant/config.js";
import { quantizeDynamic } from "../quant/dynamic.js";
import { dynamicConfig } from "../quant/dynamic-config.js";
import { convertModelToFloat16 } from "../fp16/index.js";
import { compareModels } from "../verify/compare.js";
import { openSession } from "../runtime/session.js";
import { planInputs, randomFeeds } from "../evaluate/random-inputs.js";
import { quantile } from "../evaluate/latency.js";
import { formatBytes, table } from "./format.js";
import { reportError } from "./main.js";
import { progressBar } from "./progress.js";
import type { HostTensor } from "../runtime/host-tensor.js";
import { cloneModel } from "../ir/serde/clone-model.js";

const ROOT = new URL("../../../", import.meta.url).pathname;
const OUT = join(process.cwd(), "out", "start");
const say = (s = "") => process.stdout.write(s + "\n");

interface Variant {
  flavor: string;
  model: Model;
  bytes: number;
  ms?: number;
  accuracy?: number;
  sqnr?: number;
}


async function variants(float: Model, calib: Dataset, name: string): Promise<Variant[]> {
  const out: Variant[] = [];
  const save = (flavor: string, m: Model) => {
    const p = join(OUT, `${name}-${flavor.replace(/\W+/g, "-")}.onnx`);
    const r = saveModel(m, p);
    out.push({ flavor, model: m, bytes: r.bytes + r.externalBytes });
  };
  save("fp32", float);
  const dyn = cloneModel(float);
  await quantizeDynamic(dyn, dynamicConfig(), { prepare: true });
  save("dynamic int8", dyn);
  const st = cloneModel(float);
  await quantizeStatic(st, calib, { config: staticConfig(), calibration: { observer: "minmax", samples: 100 } });
  save("static int8", st);
  const h = cloneModel(float);
  convertModelToFloat16(h, { keepIoTypes: true });
  save("fp16", h);
  return out;
}

async function latencies(vs: Variant[], feeds: Record<string, HostTensor>, runs: number): Promise<void> {
  const sessions = await Promise.all(vs.map((v) => openSession(v.model, { threads: 1 })));
  const times = vs.map(() => [] as number[]);
  const bar = progressBar("   latency", runs);
  for (let r = -3; r < runs; r++) {
    for (let i = 0; i < vs.length; i++) {
      const t = performance.now();
      await sessions[i]!.run(feeds);
      if (r >= 0) times[i]!.push(performance.now() - t);
    }
    if (r >= 0) bar.update(r + 1);
  }
  bar.stop();
  vs.forEach((v, i) => (v.ms = quantile(times[i]!.sort((a, b) => a - b), 0.5)));
  await Promise.all(sessions.map((s) => s.release()));
}

/** Accuracy of every variant on the whole dataset, and SQNR against the first (fp32). */
async function evaluateAll(vs: Variant[], ds: Dataset): Promise<void> {
  const bar = progressBar("   eval", vs.length * ds.size);
  let done = 0;
  for (const v of vs) {
    v.accuracy = (await evaluateAccuracy(v.model, ds, { onProgress: (d) => bar.update(done + d) })).accuracy;
    done += ds.size;
    if (v !== vs[0]) v.sqnr = (await compareModels(vs[0]!.model, v.model, ds, { samples: 64 })).sqnrDb;
  }
  bar.stop();
}

function verdict(v: Variant, base: Variant): string {
  if (v === base) return "reference";
  const size = `${(base.bytes / v.bytes).toFixed(1)}× smaller`;
  const r = v.ms! / base.ms!;
  const speed = r < 0.9 ? `${(1 / r).toFixed(1)}× faster` : r > 1.1 ? `${r.toFixed(1)}× slower on this CPU` : "same speed";
  const d = v.accuracy !== undefined && base.accuracy !== undefined ? (v.accuracy - base.accuracy) * 100 : undefined;
  const acc = d !== undefined ? `, top-1 ${d >= 0 ? "+" : "−"}${Math.abs(d).toFixed(2)} pts` : "";
  const note = v.flavor === "fp16" ? " (float16 pays off on GPUs; CPUs here upcast)" : "";
  return `${size}, ${speed}${acc}${note}`;
}

function report(title: string, vs: Variant[]): void {
  const base = vs[0]!;
  say(title);
  say(
    table(
      ["flavor", "file", "latency (1 thread)", "top-1", "SQNR vs fp32", "verdict"],
      vs.map((v) => [
        v.flavor,
        formatBytes(v.bytes),
        `${v.ms!.toFixed(2)} ms (${(v.ms! / base.ms!).toFixed(2)}×)`,
        v.accuracy !== undefined ? `${(100 * v.accuracy).toFixed(2)}%` : "n/a",
        v.sqnr !== undefined ? `${v.sqnr.toFixed(1)} dB` : "-",
        verdict(v, base),
      ]),
    ),
  );
  say();
}

async function run(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const rel = (p: string) => relative(process.cwd(), p) || ".";
  say("quanta start — quantizing models that ship with the project, measured in ONNX Runtime\n");

  say("1. mnist-12 (ONNX model zoo, real weights) on the 10,000 real MNIST test digits");
  say("   calibration: 100 digits; dynamic, static and fp16 variants written to " + rel(OUT));
  const images = join(ROOT, "data", "mnist", "t10k-images-idx3-ubyte.gz");
  const labels = join(ROOT, "data", "mnist", "t10k-labels-idx1-ubyte.gz");
  const mnist = await openDataset(images, { labels });
  const m = await variants(loadModel(join(ROOT, "models", "mnist-12.onnx")), mnist, "mnist-12");
  await evaluateAll(m, mnist);
  const f = m[0]!.model;
  await latencies(m, randomFeeds(f, planInputs(f).inputs), 300);
  report("", m);

  say("2. fmnist-cnn, the ResNet-style CNN quanta trained itself (models/README.md), on the 10,000 Fashion-MNIST test images");
  say("   calibration: the first 100 test images (no training set ships with the project)");
  const fashion = await openDataset(join(ROOT, "data", "fashion-mnist", "t10k-images-idx3-ubyte.gz"), {
    labels: join(ROOT, "data", "fashion-mnist", "t10k-labels-idx1-ubyte.gz"),
  });
  const fv = await variants(loadModel(join(ROOT, "models", "fmnist-cnn.onnx")), fashion, "fmnist-cnn");
  await evaluateAll(fv, fashion);
  const ff = fv[0]!.model;
  await latencies(fv, randomFeeds(ff, planInputs(ff, { batch: 1 }).inputs), 200);
  report("", fv);

  say("3. ResNet-18 (reference architecture built in code, seeded weights) at batch 1");
  say("   the seed's complaint: dynamic quantization did nothing for ResNet-18's size. No labeled ImageNet here, so accuracy is n/a; static calibration uses random inputs (speed only).");
  const r18 = buildZooModel("resnet18");
  const rv = await variants(r18, randomDataset(r18, 100, { batch: 1 }), "resnet18");
  for (const v of rv.slice(1)) v.sqnr = (await compareModels(rv[0]!.model, v.model, randomDataset(r18, 8), { samples: 8 })).sqnrDb;
  await latencies(rv, randomFeeds(r18, planInputs(r18, { batch: 1 }).inputs), 20);
  report("", rv);
  say("npm run bench measures all of this (plus BERT-base and the Fashion-MNIST CNNs) at 1 and 2 threads; see bench/results/.");
}

run().catch((e) => {
  process.exitCode = reportError(e);
});
