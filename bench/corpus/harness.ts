// The interop corpus harness: for one model made by someone else, (1) load → save through
// quanta and check that ONNX Runtime computes identical outputs from both files, and (2) run the
// `dynamic`, `static` and `fp16` transformations the way the CLI does, classifying every outcome
// — a result with its agreement against the float model, a one-line refusal (QuantaError), an
// output ONNX Runtime rejects, or an internal error (anything else: what a user would see as
// "set QUANTA_DEBUG=1 for details").

import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as Ort from "onnxruntime-node";
import { equals, fromBinary } from "@bufbuild/protobuf";
import { readFileSync } from "node:fs";
import { ModelProtoSchema } from "../../src/ir/serde/gen/onnx/onnx_pb.js";
import { loadModel } from "../../src/ir/serde/load.js";
import { saveModel } from "../../src/ir/serde/save.js";
import type { Model } from "../../src/ir/model.js";
import { compactTensors } from "../../src/ir/compact.js";
import { QuantaError } from "../../src/errors.js";
import { quantizeStatic } from "../../src/quant/static.js";
import { quantizeDynamic } from "../../src/quant/dynamic.js";
import { dynamicConfig } from "../../src/quant/dynamic-config.js";
import { staticConfig } from "../../src/quant/config.js";
import { convertModelToFloat16 } from "../../src/fp16/index.js";
import { compareModels, type CompareReport } from "../../src/verify/compare.js";
import { randomDataset } from "../../src/data/random-dataset.js";
import type { Dataset } from "../../src/data/dataset.js";
import { openSession } from "../../src/runtime/session.js";
import { batches } from "../../src/data/batches.js";
import { bindInputs } from "../../src/data/bind-inputs.js";
import { conformFeeds } from "../../src/evaluate/conform.js";
import { float16BitsToFloat32 } from "../../src/ir/tensor/float16.js";
import { DataType, dtypeName } from "../../src/ir/dtype.js";
import { float32ToFloat16Bits } from "../../src/ir/tensor/float16.js";
import { AgreementStats } from "../../src/verify/stats.js";
import type { HostTensor } from "../../src/runtime/host-tensor.js";
import { readTensorFile, ortTypeOf } from "./tensor-file.js";

/** `fp16-keep-io` is `quanta fp16 --keep-io-types`; the others are the CLI commands with default flags. */
export const COMMANDS = ["dynamic", "static", "fp16", "fp16-keep-io"] as const;
export type CommandName = (typeof COMMANDS)[number];

export type CommandStatus =
  /** Transformed (something was quantized / converted) and verified or at least loaded. */
  | "done"
  /** Ran without error but found nothing to transform. */
  | "unchanged"
  /** Not run: the harness cannot exercise it on this model (reason given). */
  | "skipped"
  /** A one-line QuantaError: what the CLI prints as `quanta: error: …`. */
  | "refused"
  /** quanta wrote a model that ONNX Runtime rejects or cannot run on inputs the float model runs on. */
  | "broken"
  /** Any other exception: an internal error, a bug. */
  | "crash";

export interface CommandOutcome {
  status: CommandStatus;
  /** What was transformed, e.g. "2 MatMul, 1 Conv" or "14 initializers". */
  what?: string;
  sqnrDb?: number;
  top1?: number;
  /** Verification samples (0: loaded in ONNX Runtime only). */
  samples?: number;
  /** Why it was skipped or not verified, or the one-line error. */
  detail?: string;
  ms: number;
}

export type RoundTripStatus = "identical" | "differs" | "not-run" | "failed" | "skipped";

export interface RoundTripOutcome {
  status: RoundTripStatus;
  /** The saved protobuf message equals the original one. */
  protoEqual?: boolean;
  /** Test data sets compared. */
  dataSets?: number;
  /** ONNX Runtime on the original vs the author's expected outputs (backend tests: output_*.pb, rtol 1e-3, atol 1e-7). */
  vsExpected?: "match" | "mismatch" | "none";
  /** Largest absolute difference from the expected outputs. */
  expectedMaxAbs?: number;
  detail?: string;
  ms: number;
}

export interface CorpusOptions {
  /** Random samples used to verify each output against the float model (default 4). */
  verifySamples?: number;
  /** Random calibration samples for `static` (default 8; the CLI default is 100). */
  calibrationSamples?: number;
  /** Dataset for calibration and verification instead of random inputs (the float model's). */
  data?: (model: Model) => Promise<Dataset>;
}

let ortPromise: Promise<typeof Ort> | undefined;
function ort(): Promise<typeof Ort> {
  ortPromise ??= import("onnxruntime-node");
  return ortPromise;
}

function oneLine(e: unknown): string {
  const err = e as Error;
  return String(err?.message ?? e).split("\n")[0]!.trim().slice(0, 300);
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "quanta-corpus-"));
}

// ---------------------------------------------------------------------------------------------
// Round trip

/** A tensor as ONNX Runtime takes it (HostTensor plus strings). */
export interface AnyTensor {
  type: Ort.Tensor.Type;
  dims: readonly number[];
  data: Ort.Tensor.DataType;
}

/** Inputs for one run, and optionally the outputs the model's author expects (by output name). */
export interface RoundTripCase {
  feeds: Record<string, AnyTensor>;
  expected?: Record<string, AnyTensor>;
}

/** The test_data_set_N folders beside a backend-test model, in order. */
export function testDataSets(modelPath: string): string[] {
  const dir = join(modelPath, "..");
  return readdirSync(dir)
    .filter((d) => /^test_data_set_\d+$/.test(d))
    .sort((a, b) => Number(a.split("_").pop()) - Number(b.split("_").pop()))
    .map((d) => join(dir, d));
}

function pbFiles(dir: string, prefix: "input" | "output"): string[] {
  return readdirSync(dir)
    .filter((f) => new RegExp(`^${prefix}_\\d+\\.pb$`).test(f))
    .sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]))
    .map((f) => join(dir, f));
}

/**
 * An ONNX backend test's own cases: input_K.pb feeds the K-th graph input that is not an
 * initializer; output_K.pb is the K-th graph output. Returns a reason string when they cannot
 * be fed to onnxruntime-node (sequence/optional values, bfloat16, …).
 */
export function backendCases(modelPath: string, model: Model): RoundTripCase[] | string {
  const graphInputs = model.graph.inputs.filter((v) => !v.initializer);
  const notTensor = [...graphInputs, ...model.graph.outputs].find((v) => v.type?.kind !== "tensor");
  if (notTensor) return `"${notTensor.name}" is not a tensor (sequence/map/optional); onnxruntime-node feeds and returns tensors only`;
  const unsupported = [...graphInputs, ...model.graph.outputs].find((v) => v.dtype !== undefined && !ortTypeOf(v.dtype));
  if (unsupported) return `"${unsupported.name}" has element type ${dtypeName(unsupported.dtype!)}, which onnxruntime-node tensors cannot carry`;
  const sets = testDataSets(modelPath);
  if (sets.length === 0) return "no test_data_set_* folder";
  return sets.map((set) => {
    const feeds: Record<string, AnyTensor> = {};
    pbFiles(set, "input").forEach((f, k) => {
      if (k < graphInputs.length) feeds[graphInputs[k]!.name] = readTensorFile(f);
    });
    const outs = pbFiles(set, "output");
    const expected: Record<string, AnyTensor> = {};
    if (outs.length === model.graph.outputs.length) outs.forEach((f, k) => (expected[model.graph.outputs[k]!.name] = readTensorFile(f)));
    return { feeds, expected };
  });
}

/** Up to `n` samples of a dataset as one batch, fitted to the model's inputs the way compare does it. */
export async function datasetCase(model: Model, ds: Dataset, n: number): Promise<RoundTripCase> {
  const inputs = model.graph.inputs.filter((v) => !v.initializer);
  const fixed = inputs[0]?.shape?.[0];
  const size = typeof fixed === "number" && fixed > 0 ? fixed : Math.min(n, ds.size);
  const bind = bindInputs(ds, inputs.map((v) => v.name));
  for await (const b of batches(ds, size, { limit: size })) return { feeds: conformFeeds(bind(b.inputs), inputs, size, typeof fixed === "number") };
  throw new QuantaError(`${ds.description} has no samples`);
}

const sessionOptions: Ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 };

/** Runs a session on every case; returns all outputs per case. */
async function runCases(o: typeof Ort, s: Ort.InferenceSession, cases: readonly RoundTripCase[]): Promise<Record<string, Ort.Tensor>[]> {
  const out: Record<string, Ort.Tensor>[] = [];
  for (const c of cases) {
    const feeds: Record<string, Ort.Tensor> = {};
    for (const [k, t] of Object.entries(c.feeds)) feeds[k] = new o.Tensor(t.type, t.data as never, t.dims as number[]);
    out.push(await s.run(feeds));
  }
  return out;
}

function bytesOf(t: AnyTensor): Uint8Array {
  const x = t.data as ArrayBufferView;
  return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

function sameTensor(a: AnyTensor, b: AnyTensor): boolean {
  if (a.type !== b.type || a.dims.join() !== b.dims.join()) return false;
  if (a.type === "string") return (a.data as string[]).every((s, i) => s === (b.data as string[])[i]);
  const x = bytesOf(a);
  const y = bytesOf(b);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function sameShape(a: AnyTensor, b: AnyTensor): boolean {
  return a.type === b.type && a.dims.join() === b.dims.join();
}

function floats(t: AnyTensor): ArrayLike<number> {
  if (t.type === "float16") return Float32Array.from(t.data as Uint16Array, float16BitsToFloat32);
  if (t.type === "int64" || t.type === "uint64") return Float64Array.from(t.data as BigInt64Array, Number);
  return t.data as ArrayLike<number>;
}

/**
 * Largest |actual - expected| / (atol + rtol * |expected|): ≤ 1 means within the tolerance
 * (ONNX backend tests use rtol 1e-3, atol 1e-7). Infinity on a shape, type-class or NaN mismatch.
 */
export function toleranceRatio(actual: AnyTensor, expected: AnyTensor, rtol: number, atol: number): { ratio: number; maxAbs: number } {
  if (actual.dims.join() !== expected.dims.join()) return { ratio: Infinity, maxAbs: Infinity };
  if (actual.type === "string" || expected.type === "string") {
    const same = actual.type === expected.type && (actual.data as string[]).every((s, i) => s === (expected.data as string[])[i]);
    return { ratio: same ? 0 : Infinity, maxAbs: same ? 0 : Infinity };
  }
  const a = floats(actual);
  const e = floats(expected);
  let ratio = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    const d = Math.abs(x - y);
    if (Number.isNaN(d)) return { ratio: Infinity, maxAbs: Infinity };
    maxAbs = Math.max(maxAbs, d);
    ratio = Math.max(ratio, d / (atol + rtol * Math.abs(y)));
  }
  return { ratio, maxAbs };
}

export interface RoundTripOptions {
  /** Tolerance for the comparison with `expected` outputs (default ONNX's: rtol 1e-3, atol 1e-7). */
  rtol?: number;
  atol?: number;
}

/**
 * load → save through quanta, then ONNX Runtime on the original and on the saved file with the
 * same inputs: outputs must be bit-identical (when the original itself is deterministic). The
 * original's outputs are also checked against the author's expected outputs, when given.
 */
export async function roundTrip(modelPath: string, cases: (model: Model) => Promise<RoundTripCase[] | string>, opts: RoundTripOptions = {}): Promise<RoundTripOutcome> {
  const t0 = performance.now();
  const done = (r: Omit<RoundTripOutcome, "ms">): RoundTripOutcome => ({ ...r, ms: performance.now() - t0 });
  const o = await ort();
  const sessions: Ort.InferenceSession[] = [];
  const open = async (file: string) => {
    const s = await o.InferenceSession.create(file, sessionOptions);
    sessions.push(s);
    return s;
  };
  const dir = tempDir();
  try {
    // Only models ONNX Runtime itself can load are in scope.
    let original: Ort.InferenceSession;
    try {
      original = await open(modelPath);
    } catch (e) {
      return done({ status: "skipped", detail: `ONNX Runtime cannot load the original: ${oneLine(e)}` });
    }
    let model: Model;
    const saved = join(dir, "model.onnx");
    try {
      model = loadModel(modelPath);
      saveModel(model, saved);
    } catch (e) {
      return done({ status: "failed", detail: `${e instanceof QuantaError ? "" : "internal error: "}${oneLine(e)}` });
    }
    const protoEqual = equals(ModelProtoSchema, fromBinary(ModelProtoSchema, readFileSync(modelPath)), fromBinary(ModelProtoSchema, readFileSync(saved)));
    let copy: Ort.InferenceSession;
    try {
      copy = await open(saved);
    } catch (e) {
      return done({ status: "failed", protoEqual, detail: `ONNX Runtime cannot load the saved model: ${oneLine(e)}` });
    }
    let list: RoundTripCase[] | string;
    try {
      list = await cases(model);
    } catch (e) {
      list = `no inputs: ${oneLine(e)}`;
    }
    if (typeof list === "string") return done({ status: "not-run", protoEqual, detail: `${list}; the saved model loads${protoEqual ? " and its protobuf equals the original" : ""}` });
    let a: Record<string, Ort.Tensor>[];
    try {
      a = await runCases(o, original, list);
    } catch (e) {
      return done({ status: "not-run", protoEqual, dataSets: list.length, detail: `ONNX Runtime fails on the original with these inputs: ${oneLine(e)}` });
    }
    let b: Record<string, Ort.Tensor>[];
    try {
      b = await runCases(o, copy, list);
    } catch (e) {
      return done({ status: "failed", protoEqual, dataSets: list.length, detail: `the saved model fails where the original runs: ${oneLine(e)}` });
    }
    const outNames = model.graph.outputs.map((v) => v.name);
    const vs = expectedAgreement(a, list, opts);
    const common = { protoEqual, dataSets: list.length, ...vs };
    const differing = outNames.filter((n) => a.some((r, i) => !sameTensor(r[n]!, b[i]![n]!)));
    if (differing.length === 0) return done({ status: "identical", ...common });
    // Is the original deterministic at all (random ops)? Then only shapes and types can agree.
    const again = await runCases(o, await open(modelPath), list);
    const selfDiffers = differing.filter((n) => again.some((r, i) => !sameTensor(r[n]!, a[i]![n]!)));
    if (selfDiffers.length === differing.length && differing.every((n) => a.every((r, i) => sameShape(r[n]!, b[i]![n]!)))) {
      return done({ status: "identical", ...common, detail: `nondeterministic output(s) ${selfDiffers.join(", ")} (the original differs from itself): compared types and shapes only` });
    }
    return done({ status: "differs", ...common, detail: `output(s) ${differing.join(", ")} differ between the original and the saved model` });
  } finally {
    for (const s of sessions) await s.release();
    rmSync(dir, { recursive: true, force: true });
  }
}

function expectedAgreement(actual: Record<string, Ort.Tensor>[], cases: readonly RoundTripCase[], opts: RoundTripOptions): Pick<RoundTripOutcome, "vsExpected" | "expectedMaxAbs"> {
  if (!cases.some((c) => c.expected && Object.keys(c.expected).length)) return { vsExpected: "none" };
  let ratio = 0;
  let maxAbs = 0;
  cases.forEach((c, i) => {
    for (const [name, e] of Object.entries(c.expected ?? {})) {
      const got = actual[i]![name];
      const r = got ? toleranceRatio(got as AnyTensor, e, opts.rtol ?? 1e-3, opts.atol ?? 1e-7) : { ratio: Infinity, maxAbs: Infinity };
      ratio = Math.max(ratio, r.ratio);
      maxAbs = Math.max(maxAbs, r.maxAbs);
    }
  });
  return { vsExpected: ratio <= 1 ? "match" : "mismatch", expectedMaxAbs: maxAbs };
}

// ---------------------------------------------------------------------------------------------
// Commands

export interface Transformed {
  what: string;
  changed: boolean;
}

export async function transform(cmd: CommandName, m: Model, opts: CorpusOptions): Promise<Transformed> {
  switch (cmd) {
    case "dynamic": {
      const r = await quantizeDynamic(m, dynamicConfig(), { prepare: true });
      const parts = [[r.matmuls, "MatMul"], [r.gemms, "Gemm"], [r.convs, "Conv"], [r.tables, "table"]].filter(([n]) => n) as [number, string][];
      return { what: parts.map(([n, k]) => `${n} ${k}`).join(", "), changed: parts.length > 0 };
    }
    case "static": {
      const ds = opts.data ? await opts.data(m) : randomDataset(m, opts.calibrationSamples ?? 8);
      const r = await quantizeStatic(m, ds, {
        config: staticConfig(),
        calibration: { observer: "minmax", samples: opts.calibrationSamples ?? 8, batchSize: 8 },
      });
      const parts = Object.entries(r.quantizedNodes).map(([k, n]) => `${n} ${k}`);
      if (r.materialized.tables) parts.push(`${r.materialized.tables} table`);
      return { what: parts.join(", "), changed: parts.length > 0 };
    }
    case "fp16":
    case "fp16-keep-io": {
      const s = convertModelToFloat16(m, { keepIoTypes: cmd === "fp16-keep-io" });
      const n = s.convertedInitializers + s.convertedConstants + s.retypedValues + s.castsRetargeted;
      return { what: n ? `${s.convertedInitializers} initializer(s), ${s.convertedConstants} constant(s), ${s.retypedValues} retyped value(s)` : "", changed: n > 0 };
    }
  }
}

/** Can the float model be verified at all on the verification data? If not, why. */
export async function verificationBlocker(modelPath: string, opts: CorpusOptions = {}): Promise<string | undefined> {
  try {
    const float = loadModel(modelPath);
    const n = opts.verifySamples ?? 4;
    const ds = opts.data ? await opts.data(float) : randomDataset(float, n);
    await compareModels(float, float, ds, { samples: n });
    return undefined;
  } catch (e) {
    return `the float model does not run on ${opts.data ? "the given data" : "random inputs"}: ${oneLine(e)}`;
  }
}

/**
 * Agreement of two models on explicit feeds (a backend test's own inputs), for models that
 * quanta's random inputs cannot drive. Feeds are converted to each model's input types (a float16
 * interface gets float16). Returns the worst output SQNR and, for [batch, classes] outputs, top-1.
 */
export async function compareOnCases(float: Model, candidate: Model, cases: readonly RoundTripCase[], lastAxisTop1 = false): Promise<{ sqnrDb: number; top1?: number; samples: number }> {
  const a = await openSession(float);
  const b = await openSession(candidate);
  try {
    const outNames = float.graph.outputs.map((v) => v.name).filter((n) => candidate.graph.outputs.some((v) => v.name === n) && float.graph.outputs.find((v) => v.name === n)?.type?.kind === "tensor");
    const stats = new Map(outNames.map((n) => [n, new AgreementStats()]));
    const feedsFor = (m: Model, c: RoundTripCase): Record<string, HostTensor> => {
      const out: Record<string, HostTensor> = {};
      for (const v of m.graph.inputs.filter((x) => !x.initializer)) {
        const t = c.feeds[v.name];
        if (!t) continue;
        if (t.type === "string") throw new QuantaError(`input "${v.name}" is a string tensor; quanta's runtime feeds numbers only`);
        out[v.name] = castTo(t as HostTensor, v.dtype);
      }
      return out;
    };
    let samples = 0;
    for (const c of cases) {
      samples += Object.values(c.feeds)[0]?.dims[0] ?? 1;
      const x = await a.run(feedsFor(float, c), outNames);
      const y = await b.run(feedsFor(candidate, c), outNames);
      for (const n of outNames) {
        const dims = x[n]!.dims;
        const last = dims[dims.length - 1] ?? 0;
        const rowLength = x[n]!.type.startsWith("float") && last > 1 && (dims.length === 2 || (lastAxisTop1 && dims.length > 2)) ? last : 0;
        stats.get(n)!.add(floats(x[n] as AnyTensor), floats(y[n] as AnyTensor), rowLength);
      }
    }
    const sqnrDb = Math.min(...[...stats.values()].map((s) => s.sqnrDb));
    const top1 = [...stats.values()].map((s) => s.top1Agreement).find((t) => t !== undefined);
    return { sqnrDb, ...(top1 !== undefined ? { top1 } : {}), samples };
  } finally {
    await a.release();
    await b.release();
  }
}

/** float32 ↔ float16 for a float16 interface; everything else as given. */
function castTo(t: HostTensor, dtype: number | undefined): HostTensor {
  if (dtype === DataType.FLOAT16 && t.type === "float32") return { type: "float16", dims: t.dims, data: Uint16Array.from(t.data as Float32Array, float32ToFloat16Bits) };
  if (dtype === DataType.FLOAT && t.type === "float16") return { type: "float32", dims: t.dims, data: Float32Array.from(t.data as Uint16Array, float16BitsToFloat32) };
  return t;
}

export interface VerifyOn {
  /** Why the float model cannot run on the verification data (then only loading is checked). */
  blocker?: string;
  /** Verify on these explicit inputs instead (a backend test's own, an exporter's). */
  cases?: readonly RoundTripCase[];
  /** Top-1 over the last axis of every float output (language-model logits), not only [batch, classes]. */
  lastAxisTop1?: boolean;
}

/**
 * One command on one model, the way the CLI runs it: load, transform, save; then the saved file
 * is loaded again and compared with the float model — on `verifySamples` samples of the data (as
 * the CLI verifies), or on explicit `cases`; when `blocker` says the float model cannot run on
 * the data and there are no cases, the result is only opened in ONNX Runtime.
 */
export async function runCommand(cmd: CommandName, modelPath: string, opts: CorpusOptions = {}, verify: VerifyOn = {}): Promise<CommandOutcome> {
  const t0 = performance.now();
  const done = (r: Omit<CommandOutcome, "ms">): CommandOutcome => ({ ...r, ms: performance.now() - t0 });
  const dir = tempDir();
  try {
    let t: Transformed;
    const out = join(dir, "out.onnx");
    try {
      const m = loadModel(modelPath);
      t = await transform(cmd, m, opts);
      compactTensors(m);
      saveModel(m, out, { externalData: "auto" });
    } catch (e) {
      if (e instanceof QuantaError) return done({ status: "refused", detail: oneLine(e) });
      return done({ status: "crash", detail: `${(e as Error)?.name ?? "Error"}: ${oneLine(e)}` });
    }
    const status: CommandStatus = t.changed ? "done" : "unchanged";
    const what = t.what ? { what: t.what } : {};
    let result: Model;
    try {
      result = loadModel(out);
    } catch (e) {
      return done({ status: "broken", ...what, detail: `quanta cannot read back what it wrote: ${oneLine(e)}` });
    }
    if (verify.cases?.length) {
      try {
        const r = await compareOnCases(loadModel(modelPath), result, verify.cases, verify.lastAxisTop1);
        return done({ status, ...what, ...r, ...(verify.blocker ? { detail: "verified on the test's own inputs (random inputs do not fit the model)" } : {}) });
      } catch (e) {
        return done({ status: "broken", ...what, detail: `fails on inputs the float model runs: ${oneLine(e)}` });
      }
    }
    if (verify.blocker) {
      try {
        const s = await openSession(result);
        await s.release();
      } catch (e) {
        return done({ status: "broken", ...what, detail: oneLine(e) });
      }
      return done({ status, ...what, samples: 0, detail: `loads in ONNX Runtime; not verified: ${verify.blocker}` });
    }
    let report: CompareReport;
    try {
      const float = loadModel(modelPath);
      const ds = opts.data ? await opts.data(float) : randomDataset(float, opts.verifySamples ?? 4);
      report = await compareModels(float, result, ds, { samples: opts.verifySamples ?? 4 });
    } catch (e) {
      const msg = oneLine(e);
      return done({ status: "broken", ...what, detail: /cannot load the model/.test(msg) ? msg : `fails where the float model runs: ${msg}` });
    }
    return done({
      status,
      ...what,
      sqnrDb: report.sqnrDb,
      ...(report.top1Agreement !== undefined ? { top1: report.top1Agreement } : {}),
      samples: report.samples,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
