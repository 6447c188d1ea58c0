// `npm run bench`: benchmarks that write JSON and markdown under bench/results/. Never part of
// `npm test`. Latencies are medians; comparisons are measured side by side in one process.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildZooModel } from "../src/zoo/index.js";
import { saveModel } from "../src/ir/serde/save.js";
import { inspectModel } from "../src/inspect/inspect.js";
import { measureLatency } from "../src/evaluate/latency.js";
import { loadModel } from "../src/ir/serde/load.js";
import { openDataset } from "../src/data/open-dataset.js";
import { randomDataset } from "../src/data/random-dataset.js";
import { formatBytes } from "../src/cli/format.js";
import { trainStepRows } from "./train-step.js";
import { qatStepRows } from "./qat-step.js";
import { torchCompare } from "./torch-compare.js";
import { ptqCases, runPtqCase, calibrationCost, tempDir, type PtqRow } from "./ptq.js";
import { targetRows, type TargetRow } from "./int8-targets.js";
import { webRows, type WebRow } from "./web.js";
import { cpuInfo, cpuSummary } from "../src/runtime/cpu-info.js";

const RESULTS = join(process.cwd(), "bench", "results");
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith("-"));
const want = (suite: string) => only.length === 0 || only.includes(suite);

interface Row {
  [k: string]: string | number;
}

function writeResults(name: string, title: string, rows: Row[], notes: string[]): void {
  mkdirSync(RESULTS, { recursive: true });
  const meta = { suite: name, date: new Date().toISOString(), node: process.version, onnxruntime: ortVersion(), cpus: cpuSummary(), cpu: cpuInfo() };
  writeFileSync(join(RESULTS, `${name}.json`), JSON.stringify({ ...meta, rows, notes }, null, 2) + "\n");
  const cols = Object.keys(rows[0] ?? {});
  const md = [
    `## ${title}`,
    "",
    `_${meta.date}, Node ${meta.node}, ONNX Runtime ${meta.onnxruntime}, ${meta.cpus}; int8 path: ${meta.cpu.int8Path}_`,
    "",
    `| ${cols.join(" | ")} |`,
    `| ${cols.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${cols.map((c) => r[c]).join(" | ")} |`),
    "",
    ...notes.map((n) => `- ${n}`),
    "",
  ].join("\n");
  writeFileSync(join(RESULTS, `${name}.md`), md);
  process.stdout.write(md + "\n");
  showInReadme(name, md);
}

/** Replaces the README's <!-- bench:NAME --> section (if it has one) with the new table. */
function showInReadme(name: string, md: string): void {
  const path = join(process.cwd(), "README.md");
  const readme = readFileSync(path, "utf8");
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < i) return;
  const body = md.replace(/^## /, "### ");
  writeFileSync(path, `${readme.slice(0, i + start.length)}\n${body}\n${readme.slice(j)}`);
}

function ortVersion(): string {
  return (JSON.parse(readFileSync(join(process.cwd(), "node_modules", "onnxruntime-node", "package.json"), "utf8")) as { version: string }).version;
}

const MB = (n: number) => (n / 2 ** 20).toFixed(1);

async function ioSuite(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "quanta-bench-io-"));
  try {
    const rows: Row[] = [];
    for (const name of ["resnet18", "bert-base"]) {
      const t0 = performance.now();
      const model = buildZooModel(name);
      const buildMs = performance.now() - t0;
      const src = join(dir, `${name}.onnx`);
      saveModel(model, src);
      const fileBytes = statSync(src).size;
      for (const mode of ["inline", "external"]) {
        const out = execFileSync(process.execPath, [join("dist", "bench", "io-child.js"), src, join(dir, `${name}-${mode}.onnx`), mode], { encoding: "utf8" });
        const r = JSON.parse(out) as { loadMs: number; saveMs: number; peakRssBytes: number };
        rows.push({
          model: name,
          "save as": mode,
          "file MB": MB(fileBytes),
          "build ms": buildMs.toFixed(0),
          "load ms": r.loadMs.toFixed(0),
          "save ms": r.saveMs.toFixed(0),
          "peak RSS MB": MB(r.peakRssBytes),
          "RSS / file": (r.peakRssBytes / fileBytes).toFixed(2),
        });
      }
    }
    writeResults("io", "Model I/O: load + save in a fresh process", rows, [
      "load = read + protobuf decode + IR; save = IR → protobuf → temp file → rename (external: weights streamed to a side file).",
      "peak RSS includes Node itself (~50 MB).",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function latencySuite(): Promise<void> {
  const rows: Row[] = [];
  const cases: [string, Record<string, number>][] = [
    ["resnet18", { batch: 1 }],
    ["bert-base", { batch: 1, sequence: 128 }],
  ];
  for (const [name, dims] of cases) {
    const model = buildZooModel(name);
    const info = inspectModel(model);
    for (const threads of [1, 2]) {
      const r = await measureLatency(model, { threads, dims, runs: name === "bert-base" ? 30 : 50, warmup: 5 });
      rows.push({
        model: name,
        dims: Object.entries(dims).map(([k, v]) => `${k}=${v}`).join(" "),
        threads,
        parameters: info.parameters.toLocaleString("en-US"),
        "median ms": r.medianMs.toFixed(2),
        "p90 ms": r.p90Ms.toFixed(2),
        "min ms": r.minMs.toFixed(2),
        "samples/s": r.throughput.toFixed(1),
      });
    }
  }
  writeResults("latency-fp32", "fp32 latency in ONNX Runtime (graph optimization 'all')", rows, ["Random inputs of the right types; medians over the timed runs after warm-up."]);
}

async function ptqSuite(quick: boolean): Promise<void> {
  const dir = tempDir();
  try {
    const cases = ptqCases(dir, quick);
    const rows: PtqRow[] = [];
    for (const c of cases) {
      process.stderr.write(`ptq: ${c.name}\n`);
      rows.push(...(await runPtqCase(c, dir, (s) => process.stderr.write(s + "\n"))));
    }
    const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
    const table: Row[] = rows.map((r) => ({
      model: r.model,
      variant: r.variant,
      size: formatBytes(r.bytes),
      "size ×fp32": r.sizeRatio.toFixed(3),
      "1 thread ms": r.latency1.toFixed(2),
      "×fp32 (1t)": r.ratio1.toFixed(2),
      "×fp32 CPU (1t)": r.cpuRatio1.toFixed(2),
      "2 threads ms": r.latency2.toFixed(2),
      "×fp32 (2t)": r.ratio2.toFixed(2),
      "top-1": r.accuracy !== undefined ? pct(r.accuracy) : "-",
      "SQNR dB": r.sqnrDb !== undefined ? (Number.isFinite(r.sqnrDb) ? r.sqnrDb.toFixed(1) : "∞") : "-",
      "tool s": r.toolMs !== undefined ? (r.toolMs / 1000).toFixed(2) : "-",
      "tool peak RSS MB": r.toolPeakRss !== undefined ? MB(r.toolPeakRss) : "-",
    }));
    writeResults("ptq", "Post-training quantization: fp32 vs dynamic vs static (QDQ, QOperator) vs fp16", table, [
      "Latency: batch 1 (BERT: sequence 128), medians of interleaved runs in one process (every round runs each variant once), graph optimization 'all'. ×fp32: median over rounds of the variant's time / fp32's time in the same round; CPU: the same for process CPU time (user + system), which leaves out waits for a core on a shared machine.",
      "Accuracy: full 10,000-image test sets. SQNR: model outputs vs fp32 on 32 samples (real test images, or random inputs for zoo models).",
      "tool s / peak RSS: the quanta command's own time (load, quantize, save; --verify 0) and its process peak RSS.",
      "fp16 has no fast CPU kernels here (ONNX Runtime upcasts): its CPU latency is shown for completeness; its gain is file size.",
      ...cases.map((c) => `${c.name}: ${c.calibration.note}.`),
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Calibration vs plain inference of the same samples, for a few of the ptq cases. */
async function calibrationSuite(quick: boolean): Promise<void> {
  const dir = tempDir();
  try {
    const cases = ptqCases(dir, quick);
    const costs: Row[] = [];
    for (const c of cases.filter((x) => ["resnet18", "fmnist-cnn-edwin19", "resnet-tiny"].includes(x.name))) {
      const m = loadModel(c.path);
      const ds = c.calibration.data === "random" ? randomDataset(m, 100) : await openDataset(c.calibration.data, { ...(c.eval?.options ?? {}), labels: undefined });
      const r = await calibrationCost(m, ds, 100);
      costs.push({ model: c.name, "calibration ms (100 samples, minmax)": r.calibrationMs.toFixed(0), "fp32 inference ms (same samples)": r.inferenceMs.toFixed(0), ratio: r.ratio.toFixed(2) });
    }
    if (costs.length) writeResults("calibration-cost", "Static calibration cost vs plain fp32 inference of the same 100 samples", costs, ["Both include opening the session (and calibration its model copy with ReduceMin/ReduceMax added); one warm-up round each, then medians of 5 alternating rounds."]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (x: number | undefined) => (x === undefined ? "-" : `${(100 * x).toFixed(2)}%`);
const db = (x: number | undefined) => (x === undefined ? "-" : Number.isFinite(x) ? x.toFixed(1) : "∞");

/** Each int8 weight encoding on this CPU vs the same graph as float math (a non-saturating CPU). */
async function targetsSuite(quick: boolean): Promise<void> {
  const dir = tempDir();
  try {
    const rows: TargetRow[] = [];
    for (const c of ptqCases(dir, quick)) {
      process.stderr.write(`targets: ${c.name}\n`);
      rows.push(...(await targetRows(c, dir, (s) => process.stderr.write(s + "\n"))));
    }
    writeResults(
      "int8-targets",
      "int8 weight encodings on this CPU: --target portable (default) vs vnni vs u8 weights",
      rows.map((r) => ({
        model: r.model,
        variant: r.variant,
        "top-1 fp32": pct(r.fp32Top1),
        "top-1 here": pct(r.top1),
        "drop pp": r.top1 !== undefined ? (100 * (r.fp32Top1! - r.top1)).toFixed(2) : "-",
        "SQNR dB here": db(r.sqnrDb),
        "top-1, Q/DQ as float": pct(r.predictedTop1),
        "SQNR dB, Q/DQ as float": db(r.predictedSqnrDb),
        "latency ×fp32 (1t)": r.ratio1.toFixed(2),
      })),
      [
        "here = ONNX Runtime's fused int8 kernels on this CPU (optimization 'all'). 'Q/DQ as float' = the same file with optimizations off: every QuantizeLinear/DequantizeLinear runs as specified in float, which is what a CPU whose int8 kernels never saturate (VNNI, AMX, ARM, onnxruntime-web) computes up to rounding.",
        "Where the two differ, this CPU's u8×s8 kernels clipped pair sums in int16 (see `quanta doctor`).",
        "Accuracy: full 10,000-image test sets; SQNR: outputs vs fp32 on 64 samples (test images, or random inputs for zoo models). Latency: batch 1 (BERT: sequence 128), 1 thread, interleaved medians.",
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ptq outputs in onnxruntime-web: loads, agrees with node, latency vs fp32 in wasm. */
async function webSuite(quick: boolean): Promise<void> {
  const dir = tempDir();
  try {
    const rows: WebRow[] = [];
    for (const c of ptqCases(dir, quick)) {
      process.stderr.write(`web: ${c.name}\n`);
      rows.push(...(await webRows(c, dir, (s) => process.stderr.write(s + "\n"))));
    }
    writeResults(
      "web",
      "onnxruntime-web (wasm, 1 thread): the ptq outputs load, agree with onnxruntime-node, and their latency",
      rows.map((r) => ({
        model: r.model,
        variant: r.variant,
        loads: r.loads ? "yes" : `no: ${r.error}`,
        "web vs node SQNR dB": db(r.webVsNodeDb),
        "web vs node top-1": pct(r.webVsNodeTop1),
        "wasm latency ×fp32": r.ratio1Web !== undefined ? r.ratio1Web.toFixed(2) : "-",
      })),
      [
        "Each file runs in onnxruntime-node (reference) and onnxruntime-web's wasm backend on the same 16 samples (test images, or random inputs for zoo models).",
        "Latency: onnxruntime-web in Node, 1 thread, batch 1 (BERT: sequence 128), interleaved medians.",
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (want("targets")) await targetsSuite(args.includes("--quick"));
  if (want("web")) await webSuite(args.includes("--quick"));
  if (want("io")) await ioSuite();
  if (want("latency")) await latencySuite();
  if (want("ptq")) await ptqSuite(args.includes("--quick"));
  if (want("ptq") || want("calibration")) await calibrationSuite(args.includes("--quick"));
  if (want("train")) {
    writeResults("train-step", "Training step vs forward (CPU, ONNX Runtime)", await trainStepRows(), [
      "training forward = forward + loss with BatchNorm in training mode and weights fed as inputs (what a step must compute before backward); inference = the deployed model.",
      "Loop = K steps per ONNX Runtime call inside an ONNX Loop. Medians over five rounds in which inference, training forward, step and Loop each run a block in turn (one warm-up run per block).",
      "Target for the CNN: step <= 3.5x training forward. Where the time goes (ONNX Runtime profile, 1 thread): the forward Convs and the input-gradient Convs run ONNX Runtime's generic im2col Conv (weights are graph inputs, so no NCHWc); the weight gradients are MatMuls over shifted copies at stride 1 (about the forward Conv's cost plus the copies) and over one-hot-Conv windows when strided; BatchNorm and ReLU backward are about 8 memory passes per layer. ONNX Runtime runs Pad, Slice, BatchNormalization and ConvTranspose's col2im on one thread, which is most of what keeps 2 threads from halving the step.",
    ]);
  }
  if (want("qat")) {
    writeResults("qat-step", "QAT step vs float training step (CPU, ONNX Runtime, 1 thread)", await qatStepRows(process.cwd(), join(process.cwd(), "..", "shared")), [
      "Float step: the model after static's preparation (BatchNorm folded), SGD with momentum, batch 64 of Fashion-MNIST test images. QAT step: the fake-quantized graph `quanta qat` trains (Q/DQ where static puts them, per-channel weight scales recomputed in the graph each step with the portable pair limit), same optimizer and batch.",
      "The two take turns in blocks over five rounds (one warm-up run per block); medians. Issue target: QAT step <= 1.3x the float step.",
    ]);
  }
  if (want("torch")) {
    // Optional: skipped with one line (nothing written) when no Python with torch is installed.
    const r = await torchCompare();
    if (r) writeResults("train-torch", "Training step: quanta vs PyTorch on the same CNN (CPU)", r.rows, r.notes);
  }
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack}\n`);
  process.exitCode = 1;
});
