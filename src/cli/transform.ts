// The shared shape of every command that writes a transformed model: load, transform, run the
// result in ONNX Runtime next to the float model (verification), then write it atomically.

import { statSync } from "node:fs";
import type { Command } from "commander";
import { finiteNumber, nonNegativeInt, oneOf, percent } from "./options.js";
import { dropInitializerInputs } from "../passes/initializer-inputs.js";
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
import { checkRequiredInputs } from "../ops/required-inputs.js";
import { sortGraph } from "../passes/topological-sort.js";

/** Verification below either bound fails the command unless --allow-bad (defaults; see --min-sqnr, --min-top1). */
export const DEFAULT_MIN_SQNR_DB = 10;
export const DEFAULT_MIN_TOP1_PERCENT = 90;

/** The options every model-writing command shares. */
export function addTransformOptions(cmd: Command, verifyDefault: number): Command {
  return cmd
    .option("--verify <n>", "samples to compare with the float model before writing (0 = no comparison, only check that it loads)", nonNegativeInt("--verify"), verifyDefault)
    .option("--min-sqnr <dB>", "fail (exit 1, nothing written) when the output SQNR against the float model is below this", finiteNumber("--min-sqnr"), DEFAULT_MIN_SQNR_DB)
    .option("--min-top1 <percent>", "fail (exit 1, nothing written) when top-1 agreement with the float model is below this", percent("--min-top1"), DEFAULT_MIN_TOP1_PERCENT)
    .option("--allow-bad", "write the result even when verification fails or nothing was quantized (exit 0, with a warning)")
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
  minSqnr: number;
  minTop1: number;
  allowBad?: boolean;
  json?: boolean;
  externalData?: boolean;
}

/** What a command's transform reports back to runTransform. */
export interface TransformOutcome {
  warnings?: string[];
  /** Facts the user should know that are not problems (printed as "note:"). */
  notes?: string[];
  /** Set when the transform changed nothing it exists to change: why (e.g. "no MatMul, Gemm or Conv has a constant weight"). */
  nothingDone?: string;
}

export interface TransformAdvice {
  /** What the command did, for messages: "quantized", "converted". */
  verb: string;
  /** What to try when verification fails, e.g. "--per-channel, or --exclude the worst layers". */
  tryInstead: string;
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
  /** False with --verify 0: the result was only opened in ONNX Runtime, never compared. */
  verified: boolean;
  /** True when the result failed verification or changed nothing and --allow-bad wrote it anyway. */
  allowedBad: boolean;
  ms: { transform: number; verify: number; save: number; total: number };
  peakRssBytes: number;
  warnings: string[];
  notes: string[];
}

/** Where verification samples come from: the user's data when given, else random inputs (flagged). */
export async function verificationData(model: Model, dataPath: string | undefined, options: DataOptions, n: number, dims: Record<string, number> = {}): Promise<{ ds: Dataset; random: boolean; notes?: readonly string[] }> {
  // compareModels reads only the first n samples of a dataset.
  if (dataPath && dataPath !== "random") {
    const ds = await openDataset(dataPath, options);
    return { ds, random: false, notes: ds.notes ?? [] };
  }
  // Room for the extended check (confirmTop1) beyond the n samples verification starts with.
  return { ds: randomDataset(model, Math.max(n, CONFIRM_SAMPLES, 1), dims), random: true };
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

/**
 * Loads `input`, transforms it, verifies the result against the float model and writes it. A
 * result that changed nothing, or whose verification is below --min-sqnr / --min-top1, is not
 * written: the command fails with one line giving the numbers (exit 1) unless --allow-bad.
 */
export async function runTransform(
  input: string,
  flags: TransformFlags,
  transform: (model: Model) => Promise<TransformOutcome>,
  verifyData: (float: Model) => Promise<{ ds: Dataset; random: boolean; notes?: readonly string[] }>,
  advice: TransformAdvice = { verb: "transformed", tryInstead: "other options" },
): Promise<TransformResult> {
  const t0 = performance.now();
  if (!flags.output) throw new QuantaError("pass -o <file> to say where to write the result", 2);
  const out = checkOutputPath(flags.output, { force: flags.force, input });
  const model = loadModel(input);
  // Every transform starts from a well-formed graph in order: files need not list nodes in order,
  // and a node without an input its op requires is refused by name before any pass reads it.
  checkRequiredInputs(model);
  sortGraph(model.graph);
  const inputBytes = modelBytes(input, model);
  const notes: string[] = [];
  const weightInputs = dropInitializerInputs(model);
  if (weightInputs.dropped.length) {
    notes.push(
      `${weightInputs.dropped.length} initializer(s) were also listed as graph inputs (${listSome(weightInputs.dropped)}): treated as weights and no longer listed as inputs` +
        (weightInputs.irVersionRaisedFrom !== undefined ? ` (IR version ${weightInputs.irVersionRaisedFrom} → 4, which allows that)` : ""),
    );
  }
  const outcome = await transform(model);
  const warnings = [...(outcome.warnings ?? [])];
  notes.push(...(outcome.notes ?? []));
  let allowedBad = false;
  if (outcome.nothingDone !== undefined) {
    if (!flags.allowBad) throw new QuantaError(`nothing ${advice.verb}: ${outcome.nothingDone}; nothing written (--allow-bad writes the unchanged model)`);
    warnings.push(`nothing ${advice.verb}: ${outcome.nothingDone}; written anyway (--allow-bad)`);
    allowedBad = true;
  }
  compactTensors(model);
  const t1 = performance.now();
  let verification: CompareReport | undefined;
  const runtime: Runtime | undefined = flags.verifyRuntime === "web" ? await webRuntime() : undefined;
  if (flags.verify > 0) {
    const float = loadModel(input);
    const { ds, random, notes: dataNotes = [] } = await verifyData(float);
    notes.push(...dataNotes);
    const bar = progressBar("verify", Math.min(ds.size, flags.verify), { quiet: flags.json });
    verification = await compareModels(float, model, ds, { samples: flags.verify, runtime, onProgress: (d) => bar.update(d) });
    bar.stop();
    // A top-1 shortfall on a handful of samples is often one flipped near-tie: look at more before judging.
    const more = Math.min(ds.size, Math.max(CONFIRM_SAMPLES, 4 * flags.verify));
    if (verification.top1Agreement !== undefined && 100 * verification.top1Agreement < flags.minTop1 && more > verification.samples) {
      const first = verification;
      verification = await compareModels(float, model, ds, { samples: more, runtime });
      notes.push(`top-1 agreement was ${(100 * first.top1Agreement!).toFixed(1)}% on the first ${first.samples} sample(s), below ${flags.minTop1}%: verified on ${verification.samples} to confirm`);
    }
    const kernels = await checkKernels(float, model, ds, verification, { samples: flags.verify, runtime });
    if (kernels.warning) warnings.push(kernels.warning);
    if (random) warnings.push("verified on random inputs; pass --data for agreement on real samples");
    const failed = verificationFailure(verification, flags);
    if (failed) {
      const msg = `verification failed: ${failed} on ${verification.samples} ${random ? "random " : ""}sample(s)`;
      // When int8 kernel saturation explains it, that is the first thing to try.
      const cause = kernels.warning ? ` (${kernels.warning})` : "";
      if (!flags.allowBad) throw new QuantaError(`${msg}${cause}; not written. Try ${advice.tryInstead}; --allow-bad writes it anyway`);
      warnings.push(`${msg}; written anyway (--allow-bad)`);
      allowedBad = true;
    } else warnings.push(...verification.warnings);
  } else {
    await assertLoads(model, runtime);
    notes.push("not verified (--verify 0): the result was only opened in ONNX Runtime, never compared with the float model");
  }
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
    verified: verification !== undefined,
    allowedBad,
    ms: { transform: t1 - t0, verify: t2 - t1, save: t3 - t2, total: t3 - t0 },
    peakRssBytes: peakRssBytes(),
    ...(verification ? { verifiedOn: runtime?.name ?? "onnxruntime-node" } : {}),
    warnings,
    notes: [...new Set(notes)],
  };
}

/** Samples verification extends to when top-1 agreement first falls short (see runTransform). */
export const CONFIRM_SAMPLES = 32;

/**
 * Why a verification fails the thresholds ("SQNR 3.1 dB < 10 dB, top-1 agreement 5 of 8 (62.5%)
 * < 90%"), or null. Top-1 agreement fails when it is below the bar beyond sampling noise: a
 * one-sided binomial test at 5% (with 8 samples, 5 agreeing fails and 6 does not; with 32, 25
 * fails and 26 does not), so one flipped near-tie among a few samples does not reject a model.
 */
export function verificationFailure(v: CompareReport, limits: { minSqnr: number; minTop1: number }): string | null {
  const why: string[] = [];
  // NaN (a NaN or Inf in the outputs) fails: it is never a usable result.
  if (!(v.sqnrDb >= limits.minSqnr)) why.push(Number.isNaN(v.sqnrDb) ? "NaN or infinite outputs" : `SQNR ${v.sqnrDb.toFixed(1)} dB < ${limits.minSqnr} dB`);
  if (v.top1Agreement !== undefined) {
    const n = v.samples;
    const agree = Math.round(v.top1Agreement * n);
    if (!(100 * v.top1Agreement >= limits.minTop1) && binomialCdf(agree, n, limits.minTop1 / 100) < 0.05) {
      why.push(`top-1 agreement ${agree} of ${n} (${(100 * v.top1Agreement).toFixed(1)}%) < ${limits.minTop1}%`);
    }
  }
  return why.length ? why.join(", ") : null;
}

/** P(X <= k) for X ~ Binomial(n, p). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  let term = Math.pow(1 - p, n); // P(X = 0)
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= ((n - i + 1) / i) * (p / (1 - p));
    sum += term;
  }
  return Math.min(1, sum);
}

function listSome(names: readonly string[], n = 4): string {
  return names.length <= n ? names.join(", ") : `${names.slice(0, n).join(", ")}, … ${names.length - n} more`;
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
  for (const n of r.notes) lines.push(`note: ${n}`);
  lines.push(`took ${(r.ms.total / 1000).toFixed(2)} s (transform ${(r.ms.transform / 1000).toFixed(2)} s, verify ${(r.ms.verify / 1000).toFixed(2)} s, save ${(r.ms.save / 1000).toFixed(2)} s), peak RSS ${formatBytes(r.peakRssBytes)}`);
  process.stdout.write(lines.join("\n") + "\n");
  for (const w of r.warnings) process.stderr.write(`quanta: WARNING: ${w}\n`);
}

export function fmtDb(db: number): string {
  if (Number.isNaN(db)) return "undefined (NaN or infinite outputs)";
  return Number.isFinite(db) ? `${db.toFixed(1)} dB` : "∞ dB (identical)";
}
