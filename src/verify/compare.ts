// Runs a float model and its quantized (or float16) twin on the same samples and reports how
// closely they agree, per output and, optionally, per quantized tensor.

import type { Model } from "../ir/model.js";
import type { Value } from "../ir/value.js";
import { openSession } from "../runtime/session.js";
import type { OptimizationLevel, Runtime } from "../runtime/runtime.js";
import type { HostTensor } from "../runtime/host-tensor.js";
import type { Dataset } from "../data/dataset.js";
import { batches } from "../data/batches.js";
import { bindInputs } from "../data/bind-inputs.js";
import { conformFeeds, runBatch } from "../evaluate/conform.js";
import { float16BitsToFloat32 } from "../ir/tensor/float16.js";
import { AgreementStats } from "./stats.js";
import { FLOAT_TWIN_KEY } from "../quant/float-twin.js";
import { QuantaError, clipText, quoteName } from "../errors.js";
import { cloneModel } from "../ir/serde/clone-model.js";

export interface TensorAgreement {
  name: string;
  sqnrDb: number;
  maxAbsError: number;
  cosine: number;
  top1Agreement?: number;
}

export interface LayerAgreement extends TensorAgreement {
  /** The op that reads the quantized tensor first (for orientation). */
  consumer: string;
  kind: "activation" | "weight";
}

export interface CompareReport {
  samples: number;
  outputs: TensorAgreement[];
  /** Worst output SQNR, and top-1 agreement of the first class-score output. */
  sqnrDb: number;
  top1Agreement?: number;
  layers?: LayerAgreement[];
  warnings: string[];
}

export interface CompareOptions {
  samples?: number;
  batchSize?: number;
  perLayer?: boolean;
  threads?: number;
  runtime?: Runtime;
  /** Runtime of the candidate's session when it differs from the reference's (node vs web parity). */
  candidateRuntime?: Runtime;
  /** Optimization level of the candidate's session ("disabled" runs Q/DQ as float math, unfused). */
  candidateOptimization?: OptimizationLevel;
  /** Warn below this output SQNR (dB, default 20) or top-1 agreement (default 0.95). */
  minSqnrDb?: number;
  minTop1?: number;
  onProgress?: (done: number, total: number) => void;
}

export async function compareModels(reference: Model, candidate: Model, ds: Dataset, opts: CompareOptions = {}): Promise<CompareReport> {
  const outNames = reference.graph.outputs.map((v) => v.name).filter((n) => candidate.graph.outputs.some((v) => v.name === n));
  if (outNames.length === 0) {
    const list = (m: Model) => clipText(m.graph.outputs.map((v) => quoteName(v.name, 40)).join(", ") || "none", 100);
    throw new QuantaError(`the models share no output name to compare (reference: ${list(reference)}; candidate: ${list(candidate)})`);
  }
  const twins = opts.perLayer ? floatTwins(candidate).filter((t) => hasTwin(reference, candidate, t)) : [];
  const ref = opts.perLayer ? withOutputs(reference, twins.map((t) => t.floatName)) : reference;
  const cand = opts.perLayer ? withOutputs(candidate, twins.map((t) => t.dqName)) : candidate;
  const refSession = await openSession(ref, { threads: opts.threads, runtime: opts.runtime });
  const candSession = await openSession(cand, { threads: opts.threads, runtime: opts.candidateRuntime ?? opts.runtime, ...(opts.candidateOptimization ? { optimizationLevel: opts.candidateOptimization } : {}) });
  const inputs = reference.graph.inputs.filter((v) => !v.initializer);
  // Each model gets the samples in its own input types: a float16 model's inputs are the float32
  // samples converted to float16, so both models see the same data at their interfaces.
  const candInputs = candidate.graph.inputs.filter((v) => !v.initializer);
  const { batchSize, fixed } = runBatch(inputs, opts.batchSize ?? 8);
  const total = Math.min(ds.size, opts.samples ?? 8);
  const bind = bindInputs(ds, inputs.map((v) => v.name));
  const stats = new Map<string, AgreementStats>(outNames.map((n) => [n, new AgreementStats()]));
  const layerStats = new Map<string, AgreementStats>(twins.map((t) => [t.dqName, new AgreementStats()]));
  let done = 0;
  try {
    for await (const batch of batches(ds, batchSize, { limit: total })) {
      const bound = bind(batch.inputs);
      const feeds = conformFeeds(bound, inputs, batchSize, fixed);
      const candFeeds = conformFeeds(forInputs(bound, candInputs), candInputs, batchSize, fixed);
      const n = batch.indices.length;
      const a = await refSession.run(feeds, [...outNames, ...twins.filter((t) => !t.weight).map((t) => t.floatName)]);
      const b = await candSession.run(candFeeds, [...outNames, ...twins.map((t) => t.dqName)]);
      for (const name of outNames) {
        const [ra, rb] = [a[name]!, b[name]!];
        if (ra.dims.join() !== rb.dims.join()) {
          throw new QuantaError(
            `output ${quoteName(name)} has shape [${ra.dims.join(",")}] from the reference model but [${rb.dims.join(",")}] from the other on the same input; they do not compute the same thing, so they cannot be compared`,
          );
        }
        const x = rows(a[name]!, n);
        stats.get(name)!.add(x.values, rows(b[name]!, n).values, x.rowLength);
      }
      for (const t of twins) {
        const refValues = t.weight ? reference.graph.constantValue(reference.graph.findValue(t.floatName) ?? null)?.toFloat32() : a[t.floatName] && numbers(a[t.floatName]!);
        if (!refValues || (t.weight && done > 0)) continue;
        layerStats.get(t.dqName)!.add(refValues, numbers(b[t.dqName]!));
      }
      done += n;
      opts.onProgress?.(done, total);
    }
  } finally {
    await refSession.release();
    await candSession.release();
  }
  const outputs = outNames.map((name) => summary(name, stats.get(name)!));
  const classOut = outputs.find((o) => o.top1Agreement !== undefined);
  const report: CompareReport = {
    samples: done,
    outputs,
    sqnrDb: Math.min(...outputs.map((o) => o.sqnrDb)),
    ...(classOut ? { top1Agreement: classOut.top1Agreement } : {}),
    warnings: [],
  };
  if (opts.perLayer) {
    report.layers = twins
      .filter((t) => layerStats.get(t.dqName)!.elements > 0)
      .map((t) => ({ ...summary(t.floatName, layerStats.get(t.dqName)!), consumer: t.consumer, kind: t.weight ? ("weight" as const) : ("activation" as const) }));
  }
  const minSqnr = opts.minSqnrDb ?? 20;
  const minTop1 = opts.minTop1 ?? 0.95;
  if (report.sqnrDb < minSqnr) report.warnings.push(`output SQNR ${report.sqnrDb.toFixed(1)} dB is below ${minSqnr} dB: the result differs noticeably from the float model`);
  if (report.top1Agreement !== undefined && report.top1Agreement < minTop1) {
    report.warnings.push(`top-1 agreement ${(100 * report.top1Agreement).toFixed(1)}% is below ${(100 * minTop1).toFixed(0)}%: check accuracy on labeled data before shipping`);
  }
  return report;
}

/** The feeds a model with `inputs` takes (a transformed model may have dropped some). */
function forInputs(feeds: Record<string, HostTensor>, inputs: readonly Value[]): Record<string, HostTensor> {
  return Object.fromEntries(Object.entries(feeds).filter(([k]) => inputs.some((v) => v.name === k)));
}

function summary(name: string, s: AgreementStats): TensorAgreement {
  const t = s.top1Agreement;
  return { name, sqnrDb: s.sqnrDb, maxAbsError: s.maxAbsError, cosine: s.cosine, ...(t !== undefined ? { top1Agreement: t } : {}) };
}

/** Values as float numbers, and the row length when they look like [batch, classes] scores. */
function rows(t: HostTensor, batch: number): { values: ArrayLike<number>; rowLength: number } {
  const values = numbers(t);
  const looksLikeScores = t.dims.length === 2 && t.dims[0] === batch && t.dims[1]! > 1 && (t.type === "float32" || t.type === "float16" || t.type === "float64");
  return { values, rowLength: looksLikeScores ? t.dims[1]! : 0 };
}

function numbers(t: HostTensor): ArrayLike<number> {
  if (t.type === "float16") return Float32Array.from(t.data as Uint16Array, float16BitsToFloat32);
  if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array) return Float64Array.from(t.data as BigInt64Array, Number);
  return t.data as ArrayLike<number>;
}

interface Twin {
  dqName: string;
  floatName: string;
  consumer: string;
  weight: boolean;
}

/** DequantizeLinear (or weight-restoring) outputs that stand for a float tensor, as recorded when quantizing. */
function floatTwins(model: Model): Twin[] {
  const out: Twin[] = [];
  for (const n of model.graph.nodes) {
    const twin = n.metadata.find(([k]) => k === FLOAT_TWIN_KEY)?.[1];
    if (!twin) continue;
    const o = n.output(0);
    const first = o.uses[0]?.node;
    out.push({ dqName: o.name, floatName: twin, consumer: first ? `${first.opType} ${first.name}` : "(graph output)", weight: isConstantDerived(model, n.input(0)) });
  }
  return out;
}

function isConstantDerived(model: Model, v: Value | null): boolean {
  if (!v) return false;
  if (model.graph.constantValue(v)) return true;
  const p = v.producer;
  return !!p && p.opType === "Cast" && !!model.graph.constantValue(p.input(0));
}

/** The float tensor exists in the reference; a weight must also have the same shape (not refolded). */
function hasTwin(reference: Model, candidate: Model, t: Twin): boolean {
  const v = reference.graph.findValue(t.floatName);
  if (!v) return false;
  if (!t.weight) return !reference.graph.constantValue(v);
  const a = reference.graph.constantValue(v);
  const b = candidate.graph.findValue(t.dqName);
  return !!a && (!b?.shape || b.shape.join() === a.dims.join());
}

/** A copy of `model` with extra graph outputs (names that exist as tensors). */
function withOutputs(model: Model, names: readonly string[]): Model {
  const copy = cloneModel(model);
  for (const name of new Set(names)) {
    const v = copy.graph.findValue(name);
    if (v && !v.isGraphOutput && !copy.graph.constantValue(v)) copy.graph.addOutput(v);
  }
  return copy;
}
