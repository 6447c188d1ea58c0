// `npm start`: the main job on what ships with the project, no downloads. Until quantization
// lands it builds a reference model, inspects and benchmarks it, and evaluates a real model on
// real data, printing what it did.

import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { buildZooModel } from "../zoo/index.js";
import { saveModel } from "../ir/serde/save.js";
import { loadModel } from "../ir/serde/load.js";
import { inspectModel } from "../inspect/inspect.js";
import { measureLatency } from "../evaluate/latency.js";
import { evaluateAccuracy } from "../evaluate/accuracy.js";
import { openDataset } from "../data/open-dataset.js";
import { formatBytes, formatCount, table } from "./format.js";
import { reportError } from "./main.js";
import { progressBar } from "./progress.js";

const ROOT = new URL("../../../", import.meta.url).pathname;
const OUT = join(process.cwd(), "out", "start");

async function run(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const say = (s: string) => process.stdout.write(s + "\n");
  const rel = (p: string) => relative(process.cwd(), p) || ".";

  say("quanta start — the main job on the models and data that ship with the project\n");

  say("1. Build the ResNet-18 reference model in code (seeded weights, BatchNorm as exported)");
  let t = performance.now();
  const resnetPath = join(OUT, "resnet18.onnx");
  saveModel(buildZooModel("resnet18"), resnetPath);
  say(`   wrote ${rel(resnetPath)} in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);

  say("2. Inspect it");
  const resnet = loadModel(resnetPath);
  const info = inspectModel(resnet, resnetPath);
  say(`   ${formatCount(info.nodeCount)} nodes, ${formatCount(info.parameters)} parameters (incl. BatchNorm statistics), ${formatBytes(info.fileBytes!)}`);
  say(`   ops: ${Object.entries(info.opTypes).map(([k, v]) => `${k} ${v}`).join(", ")}\n`);

  say("3. Benchmark it in ONNX Runtime (batch 1, 1 thread, graph optimization 'all')");
  const bar = progressBar("   bench", 20);
  const lat = await measureLatency(resnet, { runs: 20, warmup: 3, threads: 1, dims: { batch: 1 }, onRun: (d) => bar.update(d) });
  bar.stop();
  say(`   median ${lat.medianMs.toFixed(1)} ms, p90 ${lat.p90Ms.toFixed(1)} ms, ${lat.throughput.toFixed(1)} images/s\n`);

  say("4. Evaluate a real model on real data: mnist-12 (ONNX model zoo) on the 10,000 MNIST test digits");
  const mnistPath = join(ROOT, "models", "mnist-12.onnx");
  const ds = await openDataset(join(ROOT, "data", "mnist", "t10k-images-idx3-ubyte.gz"), {
    labels: join(ROOT, "data", "mnist", "t10k-labels-idx1-ubyte.gz"),
  });
  const ebar = progressBar("   eval", ds.size);
  const acc = await evaluateAccuracy(loadModel(mnistPath), ds, { onProgress: (d) => ebar.update(d) });
  ebar.stop();
  say(`   top-1 ${(100 * acc.accuracy).toFixed(2)}% (${acc.correct}/${acc.count}); the model zoo lists 98.9%\n`);

  say(
    table(
      ["model", "file size", "latency (1 thread)", "top-1"],
      [
        ["resnet18 (fp32, random weights)", formatBytes(info.fileBytes!), `${lat.medianMs.toFixed(1)} ms`, "n/a (no labeled ImageNet data)"],
        ["mnist-12 (fp32)", formatBytes(inspectModel(loadModel(mnistPath), mnistPath).fileBytes!), "-", `${(100 * acc.accuracy).toFixed(2)}%`],
      ],
    ),
  );
  say(`\nOutputs are in ${rel(OUT)} (rewritten on every run). Quantization (dynamic, static, QAT) builds on this next.`);
}

run().catch((e) => {
  process.exitCode = reportError(e);
});
