// The shared shape of every command that writes a transformed model: load, transform, run the
// result in ONNX Runtime next to the float model (verification), then write it atomically.

import { statSync } from "node:fs";
import type { Command } from "commander";
import { nonNegativeInt, oneOf } from "./options.js";
import { loadModel } from "../ir/serde/load.js";
import { saveModel } from "../ir/serde/save.js";
import type { Model } from "../ir/model.js";
import { compactTensors } from "../ir/compact.js";
import { checkOutputPath } from "./output-file.js";
import { openDataset } from "../data/open-dataset.js";
import { randomDataset } from "../data/random-dataset.js";
import type { DataOptions, Dataset } from "../data/dataset.js";
import { compareModels, type CompareReport } from "../verify/compare.js";
import { progressBar } from "./progress.js";
import { peakRssBytes } from "../evaluate/peak-rss.js";
import { openSession } from "../runtime/session.js";
import { QuantaError } from "../errors.js";
import { checkKernels } from "../verify/kernel-check.js";
import { webRuntime } from "../runtime/web.js";
import type { Runtime } from "../runtime/runtime.js";
import { formatBytes } from "./format.js";

/** The options every model-writing command shares. */
export function addTransformOptions(cmd: Command, verifyDefault: number): Command {
  return cmd
    .option("--verify <n>", "samples to compare with the float model before writing (0 = only check that it loads)", nonNegativeInt("--verify"), verifyDefault)
    .option("--verify-runtime <r>", "run verification in onnxruntime-node (node) or onnxruntime-web's wasm backend (web)", oneOf("--verify-runtime", ["node", "web"] as const), "node")
    .option("--external-data", "store weights in <output>.data")
    .option("--force", "overwrite the output file")
    .option("--json", "print one JSON object");
}

export interface TransformFlags {
  output?: string;
  force?: boolean;
  verify: number;
  verifyRuntime?: "node" | "web";
  json?: boolean;
  externalData?: boolean;
}

export interface TransformResult {
  input: string;
  output: string;
  inputBytes: number;
  sizeBytes: number;
  sizeRatio: number;
  sqnrDb?: number;
  top1Agreement?: number;
  maxAbsError?: number;
  cosine?: number;
  verification?: CompareReport;
  /** The runtime verification ran in. */
  verifiedOn?: string;
  ms: { transform: number; verify: number; save: number; total: number };
  peakRssBytes: number;
  warnings: string[];
}

/** Where verification samples come from: the user's data when given, else random inputs (flagged). */
export async function verificationData(model: Model, dataPath: string | undefined, options: DataOptions, n: number, dims: Record<string, number> = {}): Promise<{ ds: Dataset; random: boolean }> {
  // compareModels reads only the first n samples of a dataset.
  if (dataPath && dataPath !== "random") return { ds: await openDataset(dataPath, options), random: false };
  return { ds: randomDataset(model, Math.max(n, 1), dims), random: true };
}

/** Size on disk of a loaded model's file plus its external data. */
export function modelBytes(path: string, m: Model): number {
  let n = statSync(path).size;
  const seen = new Set<string>();
  for (const v of m.graph.initializers.values()) {
    const at = v.initializer!.externalLocation;
    if (at && !seen.has(at.file)) (seen.add(at.file), (n += statSync(at.file).size));
  }
  return n;
}

export async function runTransform(
  input: string,
  flags: TransformFlags,
  transform: (model: Model) => Promise<{ warnings?: string[] }>,
  verifyData: (float: Model) => Promise<{ ds: Dataset; random: boolean }>,
): Promise<TransformResult> {
  const t0 = performance.now();
  if (!flags.output) throw new QuantaError("pass -o <file> to say where to write the result", 2);
  const out = checkOutputPath(flags.output, { force: flags.force, input });
  const model = loadModel(input);
  const inputBytes = modelBytes(input, model);
  const { warnings = [] } = await transform(model);
  compactTensors(model);
  const t1 = performance.now();
  let verification: CompareReport | undefined;
  const runtime: Runtime | undefined = flags.verifyRuntime === "web" ? await webRuntime() : undefined;
  if (flags.verify > 0) {
    const float = loadModel(input);
    const { ds, random } = await verifyData(float);
    const bar = progressBar("verify", Math.min(ds.size, flags.verify), { quiet: flags.json });
    verification = await compareModels(float, model, ds, { samples: flags.verify, runtime, onProgress: (d) => bar.update(d) });
    bar.stop();
    const kernels = await checkKernels(float, model, ds, verification, { samples: flags.verify, runtime });
    if (kernels.warning) warnings.push(kernels.warning);
    if (random) warnings.push("verified on random inputs; pass --data for agreement on real samples");
    warnings.push(...verification.warnings);
  }
  else await assertLoads(model, runtime);
  const t2 = performance.now();
  const saved = saveModel(model, out, { externalData: flags.externalData ? true : "auto" });
  const t3 = performance.now();
  const sizeBytes = saved.bytes + saved.externalBytes;
  return {
    input,
    output: flags.output,
    inputBytes,
    sizeBytes,
    sizeRatio: sizeBytes / inputBytes,
    ...(verification
      ? {
          sqnrDb: verification.sqnrDb,
          maxAbsError: Math.max(...verification.outputs.map((o) => o.maxAbsError)),
          cosine: Math.min(...verification.outputs.map((o) => o.cosine)),
          ...(verification.top1Agreement !== undefined ? { top1Agreement: verification.top1Agreement } : {}),
          verification,
        }
      : {}),
    ms: { transform: t1 - t0, verify: t2 - t1, save: t3 - t2, total: t3 - t0 },
    peakRssBytes: peakRssBytes(),
    verifiedOn: runtime?.name ?? "onnxruntime-node",
    warnings,
  };
}

/** Even without verification, never write a model ONNX Runtime cannot open. */
async function assertLoads(model: Model, runtime?: Runtime): Promise<void> {
  const s = await openSession(model, { runtime });
  await s.release();
}

export function printTransform(r: TransformResult, extra: string[] = []): void {
  const lines = [
    `wrote ${r.output}: ${formatBytes(r.sizeBytes)} (${(100 * r.sizeRatio).toFixed(1)}% of ${formatBytes(r.inputBytes)})`,
    ...extra,
  ];
  if (r.verification) {
    const v = r.verification;
    lines.push(
      `verified on ${v.samples} sample(s)${r.verifiedOn === "onnxruntime-web" ? " in onnxruntime-web" : ""}: SQNR ${fmtDb(v.sqnrDb)}, max abs error ${r.maxAbsError!.toPrecision(3)}, cosine ${r.cosine!.toFixed(5)}` +
        (v.top1Agreement !== undefined ? `, top-1 agreement ${(100 * v.top1Agreement).toFixed(1)}%` : ""),
    );
  }
  lines.push(`took ${(r.ms.total / 1000).toFixed(2)} s (transform ${(r.ms.transform / 1000).toFixed(2)} s, verify ${(r.ms.verify / 1000).toFixed(2)} s, save ${(r.ms.save / 1000).toFixed(2)} s), peak RSS ${formatBytes(r.peakRssBytes)}`);
  process.stdout.write(lines.join("\n") + "\n");
  for (const w of r.warnings) process.stderr.write(`quanta: WARNING: ${w}\n`);
}

export function fmtDb(db: number): string {
  return Number.isFinite(db) ? `${db.toFixed(1)} dB` : "∞ dB (identical)";
}
