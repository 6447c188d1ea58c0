// Top-1 accuracy of a model on labeled data, batched as the model allows: a fixed batch of 1
// runs one sample at a time, a symbolic batch dim takes `batchSize` samples per run.

import type { Model } from "../ir/model.js";
import type { Dataset } from "../data/dataset.js";
import { batches } from "../data/batches.js";
import { bindInputs } from "../data/bind-inputs.js";
import { openSession } from "../runtime/session.js";
import type { OptimizationLevel, Runtime } from "../runtime/runtime.js";
import type { HostTensor } from "../runtime/host-tensor.js";
import { conformFeeds, runBatch } from "./conform.js";
import { QuantaError } from "../errors.js";
import { float16BitsToFloat32 } from "../ir/tensor/float16.js";

export interface AccuracyOptions {
  /** Samples per run when the model's batch dim is symbolic (default 32). */
  batchSize?: number;
  /** Output holding the class scores (default: the first output). */
  output?: string;
  threads?: number;
  limit?: number;
  runtime?: Runtime;
  /** ONNX Runtime graph optimization ("disabled" runs Q/DQ as float math, unfused). */
  optimizationLevel?: OptimizationLevel;
  onProgress?: (done: number, total: number, correct: number) => void;
}

export interface AccuracyReport {
  accuracy: number;
  count: number;
  correct: number;
  batchSize: number;
  output: string;
  ms: number;
  samplesPerSecond: number;
  /** How many different classes the model predicted, and how many the labels hold (collapse check). */
  predictedClasses: number;
  labelClasses: number;
}

export async function evaluateAccuracy(model: Model, ds: Dataset, opts: AccuracyOptions = {}): Promise<AccuracyReport> {
  if (!ds.hasLabels) throw new QuantaError(`${ds.description} has no labels; accuracy needs them (for idx images pass --labels <labels file>)`);
  const inputs = model.graph.inputs.filter((v) => !v.initializer);
  const output = pickOutput(model, opts.output);
  const { batchSize, fixed } = runBatch(inputs, opts.batchSize ?? 32);
  const bind = bindInputs(ds, inputs.map((v) => v.name));
  const total = Math.min(ds.size, opts.limit ?? Infinity);
  const session = await openSession(model, { threads: opts.threads, runtime: opts.runtime, ...(opts.optimizationLevel ? { optimizationLevel: opts.optimizationLevel } : {}) });
  const t0 = performance.now();
  let correct = 0;
  let done = 0;
  const predicted = new Set<number>();
  const labelled = new Set<number>();
  try {
    for await (const batch of batches(ds, batchSize, { limit: total })) {
      const n = batch.indices.length;
      const feeds = conformFeeds(bind(batch.inputs), inputs, batchSize, fixed);
      const res = await session.run(feeds, [output]);
      const pred = argmaxRows(res[output]!, fixed ? batchSize : n);
      for (let i = 0; i < n; i++) {
        if (pred[i] === batch.labels![i]) correct++;
        predicted.add(pred[i]!);
        labelled.add(batch.labels![i]!);
      }
      done += n;
      opts.onProgress?.(done, total, correct);
    }
  } finally {
    await session.release();
  }
  const ms = performance.now() - t0;
  return {
    accuracy: done ? correct / done : 0,
    count: done,
    correct,
    batchSize,
    output,
    ms,
    samplesPerSecond: (done * 1000) / ms,
    predictedClasses: predicted.size,
    labelClasses: labelled.size,
  };
}

function pickOutput(model: Model, name?: string): string {
  const outs = model.graph.outputs.map((v) => v.name);
  if (name === undefined) return outs[0]!;
  if (!outs.includes(name)) throw new QuantaError(`--output ${name}: the model has no such output (it has: ${outs.join(", ")})`, 2);
  return name;
}

/** Index of the largest score per row; a [B] integer output is taken as predicted labels. */
export function argmaxRows(t: HostTensor, rows: number): Int32Array {
  const out = new Int32Array(rows);
  // float16 scores arrive as raw bits; compare their values, not the bit patterns.
  const data = t.type === "float16" ? Float32Array.from(t.data as Uint16Array, float16BitsToFloat32) : t.data;
  if (t.dims.length === 1 && (data instanceof BigInt64Array || data instanceof Int32Array)) {
    for (let i = 0; i < rows; i++) out[i] = Number(data[i]);
    return out;
  }
  const per = data.length / t.dims[0]!;
  for (let i = 0; i < rows; i++) {
    let best = -Infinity;
    let arg = 0;
    for (let j = 0; j < per; j++) {
      const v = Number(data[i * per + j]);
      if (v > best) (best = v), (arg = j);
    }
    out[i] = arg;
  }
  return out;
}
