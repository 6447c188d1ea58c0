// The post-training quantization benchmark: for each model, fp32 vs dynamic vs static QDQ vs
// static QOperator vs fp16 — file size, latency (1 and 2 threads, interleaved), accuracy on real
// labeled data where there is some, SQNR vs fp32, tool wall time and peak RSS.

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadModel } from "../src/ir/serde/load.js";
import { buildZooModel } from "../src/zoo/index.js";
import { saveModel } from "../src/ir/serde/save.js";
import { openDataset } from "../src/data/open-dataset.js";
import { randomDataset } from "../src/data/random-dataset.js";
import type { DataOptions, Dataset } from "../src/data/dataset.js";
import { evaluateAccuracy } from "../src/evaluate/accuracy.js";
import { compareModels } from "../src/verify/compare.js";
import { planInputs, randomFeeds } from "../src/evaluate/random-inputs.js";
import { interleavedTimes } from "./interleaved.js";
import { calibrationCost } from "./calibration-cost.js";

const SHARED = resolve(process.cwd(), "../shared");
const FASHION_TRAIN = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";

export interface PtqCase {
  name: string;
  /** fp32 model path (written for zoo models). */
  path: string;
  dims: Record<string, number>;
  /** Labeled evaluation data, if any. */
  eval?: { data: string; options: DataOptions; label: string };
  /** Calibration data for static quantization: path (or "random") and flags. */
  calibration: { data: string; flags: string[]; note: string };
  runs: number;
}

export interface PtqRow {
  model: string;
  variant: string;
  bytes: number;
  sizeRatio: number;
  latency1: number;
  latency2: number;
  /** Median over interleaved rounds of latency / fp32's latency in the same round. */
  ratio1: number;
  ratio2: number;
  /** The same for process CPU time at 1 thread (leaves out waits for a core on a loaded machine). */
  cpuRatio1: number;
  accuracy?: number;
  sqnrDb?: number;
  toolMs?: number;
  toolPeakRss?: number;
}

export interface Variant {
  variant: string;
  args: (c: PtqCase) => string[];
}

/** The ptq table's variants, also run in onnxruntime-web by the web suite. */
export const VARIANTS: Variant[] = [
  { variant: "dynamic int8", args: () => ["dynamic"] },
  { variant: "static QDQ", args: (c) => ["static", "--data", c.calibration.data, ...c.calibration.flags] },
  { variant: "static QOp", args: (c) => ["static", "--format", "qop", "--data", c.calibration.data, ...c.calibration.flags] },
  { variant: "fp16", args: () => ["fp16", "--keep-io-types"] },
];

export function ptqCases(dir: string, quick: boolean): PtqCase[] {
  const cases: PtqCase[] = [];
  const zoo = (name: string): string => {
    const p = join(dir, `${name}.onnx`);
    saveModel(buildZooModel(name), p);
    return p;
  };
  const mnist = join(SHARED, "data", "mnist");
  const fashion = join(SHARED, "data", "fashion-mnist");
  const haveShared = existsSync(join(SHARED, "models"));
  const fashionCal = existsSync(FASHION_TRAIN)
    ? { data: FASHION_TRAIN, note: "calibrated on the first 100 Fashion-MNIST training images" }
    : { data: join(fashion, "t10k-images-idx3-ubyte.gz"), note: "calibrated on the first 100 test images (install dataset-fashion-mnist for the training set)" };
  if (haveShared) {
    for (const [file, normalize, expected] of [
      ["mnist-12.onnx", false, "mnist"],
      ["mnist-cnn-ruiyangju.onnx", false, "mnist"],
      ["fmnist-cnn-edwin19.onnx", false, "fashion"],
      ["fmnist-cnn-lazybogdi.onnx", true, "fashion"],
    ] as const) {
      const norm = normalize ? ["--mean", "0.5", "--std", "0.5"] : [];
      const options: DataOptions = normalize ? { mean: [0.5], std: [0.5] } : {};
      const data = expected === "mnist" ? join(mnist, "t10k-images-idx3-ubyte.gz") : join(fashion, "t10k-images-idx3-ubyte.gz");
      const labels = data.replace("images-idx3", "labels-idx1");
      const cal =
        expected === "mnist"
          ? { data, flags: ["--labels", labels, ...norm], note: "calibrated on the first 100 MNIST test digits (no MNIST training set ships here)" }
          : { data: fashionCal.data, flags: norm, note: fashionCal.note };
      cases.push({
        name: file.replace(".onnx", ""),
        path: join(SHARED, "models", file),
        dims: { batch_size: 1, batch: 1 },
        eval: { data, options: { ...options, labels }, label: `${expected === "mnist" ? "MNIST" : "Fashion-MNIST"} test, 10,000` },
        calibration: { data: cal.data, flags: [...cal.flags, "--samples", "100"], note: cal.note },
        runs: 200,
      });
    }
  }
  const ownFashion = [join(fashion, "t10k-images-idx3-ubyte.gz"), "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"].find(existsSync);
  if (ownFashion) {
    const labels = ownFashion.replace("images-idx3", "labels-idx1");
    cases.push({
      name: "fmnist-cnn (quanta-trained)",
      path: join(process.cwd(), "models", "fmnist-cnn.onnx"),
      dims: { batch: 1 },
      eval: { data: ownFashion, options: { labels }, label: "Fashion-MNIST test, 10,000" },
      calibration: { data: fashionCal.data, flags: ["--samples", "100"], note: fashionCal.note },
      runs: 200,
    });
  }
  cases.push({ name: "resnet-tiny", path: zoo("resnet-tiny"), dims: { batch: 1 }, calibration: { data: "random", flags: ["--samples", "32"], note: "random calibration (no data)" }, runs: 200 });
  cases.push({ name: "bert-tiny", path: zoo("bert-tiny"), dims: { batch: 1, sequence: 128 }, calibration: { data: "random", flags: ["--samples", "32"], note: "random calibration (no data)" }, runs: 200 });
  if (!quick) {
    cases.push({ name: "resnet18", path: zoo("resnet18"), dims: { batch: 1 }, calibration: { data: "random", flags: ["--samples", "100"], note: "random calibration (no labeled ImageNet here)" }, runs: 40 });
    cases.push({ name: "bert-base", path: zoo("bert-base"), dims: { batch: 1, sequence: 128 }, calibration: { data: "random", flags: ["--samples", "100", "--dim", "sequence=128"], note: "random calibration, sequence 128" }, runs: 20 });
  }
  return cases;
}

interface CliResult {
  sizeBytes: number;
  ms: { total: number };
  peakRssBytes: number;
}

/** Writes one variant of a case's model with the quanta CLI (no verification); returns its path and JSON report. */
export function writeVariant(c: PtqCase, dir: string, v: Variant, log: (s: string) => void, prefix = ""): { path: string; result: unknown } {
  const path = join(dir, `${prefix}${c.name.replace(/\W+/g, "-")}-${v.variant.replace(/\W+/g, "-")}.onnx`);
  log(`  ${c.name}: ${v.variant}`);
  const stdout = execFileSync(process.execPath, ["bin/quanta.js", ...v.args(c), c.path, "-o", path, "--verify", "0", "--force", "--json"], { encoding: "utf8", maxBuffer: 64 << 20 });
  return { path, result: JSON.parse(stdout) };
}

/** `only`: run just these variants (and fp32), e.g. ["dynamic int8"] to re-measure one row. */
export async function runPtqCase(c: PtqCase, dir: string, log: (s: string) => void, only?: readonly string[]): Promise<PtqRow[]> {
  const fp32Bytes = statSync(c.path).size;
  const paths: Record<string, string> = { fp32: c.path };
  const tool: Record<string, CliResult> = {};
  for (const v of VARIANTS.filter((v) => !only || only.includes(v.variant))) {
    const r = writeVariant(c, dir, v, log);
    tool[v.variant] = r.result as CliResult;
    paths[v.variant] = r.path;
  }
  const models = Object.fromEntries(Object.entries(paths).map(([k, p]) => [k, loadModel(p)]));
  const fp32 = models.fp32!;
  const feeds = randomFeeds(fp32, planInputs(fp32, filterDims(fp32, c.dims)).inputs);
  const variants = Object.entries(models).map(([name, model]) => ({ name, model }));
  log(`  ${c.name}: latency`);
  const lat1 = await interleavedTimes(variants, feeds, { threads: 1, runs: c.runs });
  const lat2 = await interleavedTimes(variants, feeds, { threads: 2, runs: c.runs });
  const evalDs: Dataset | undefined = c.eval ? await openDataset(c.eval.data, c.eval.options) : undefined;
  const cmpDs = evalDs ?? randomDataset(fp32, 32, filterDims(fp32, c.dims));
  const rows: PtqRow[] = [];
  for (const [variant, model] of Object.entries(models)) {
    log(`  ${c.name}: accuracy/SQNR ${variant}`);
    const accuracy = evalDs ? (await evaluateAccuracy(model, evalDs)).accuracy : undefined;
    const sqnrDb = variant === "fp32" ? undefined : (await compareModels(fp32, model, cmpDs, { samples: 32 })).sqnrDb;
    const bytes = variant === "fp32" ? fp32Bytes : tool[variant]!.sizeBytes;
    rows.push({
      model: c.name,
      variant,
      bytes,
      sizeRatio: bytes / fp32Bytes,
      latency1: lat1.ms[variant]!,
      latency2: lat2.ms[variant]!,
      ratio1: lat1.ratio[variant]!,
      ratio2: lat2.ratio[variant]!,
      cpuRatio1: lat1.cpuRatio[variant]!,
      ...(accuracy !== undefined ? { accuracy } : {}),
      ...(sqnrDb !== undefined ? { sqnrDb } : {}),
      ...(tool[variant] ? { toolMs: tool[variant]!.ms.total, toolPeakRss: tool[variant]!.peakRssBytes } : {}),
    });
  }
  return rows;
}

/** Only the symbolic dims the model actually has. */
function filterDims(model: ReturnType<typeof loadModel>, dims: Record<string, number>): Record<string, number> {
  const names = new Set(model.graph.inputs.flatMap((v) => (v.shape ?? []).filter((d): d is string => typeof d === "string")));
  return Object.fromEntries(Object.entries(dims).filter(([k]) => names.has(k)));
}

export { calibrationCost };
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "quanta-bench-ptq-"));
}
