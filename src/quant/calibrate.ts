// Calibration: runs a representative dataset through the float model in ONNX Runtime and feeds
// each observed tensor to an observer, batch by batch, never keeping activations. Min/max
// observers get their per-batch extremes from ReduceMin/ReduceMax nodes added to a copy of the
// model, so only two scalars per tensor cross into JavaScript.

import type { Model } from "../ir/model.js";
import type { Value } from "../ir/value.js";
import { openSession } from "../runtime/session.js";
import { ortMessage, type Runtime } from "../runtime/runtime.js";
import type { Dataset } from "../data/dataset.js";
import { collate } from "../data/batches.js";
import { bindInputs } from "../data/bind-inputs.js";
import { conformFeeds, runBatch } from "../evaluate/conform.js";
import { createObserver, type Observer, type ObserverKind, type ObserverOptions } from "../calib/index.js";
import type { Range } from "./params.js";
import type { HostTensor } from "../runtime/host-tensor.js";
import { QuantaError } from "../errors.js";
import { cloneModel } from "../ir/serde/clone-model.js";

export interface CalibrationOptions {
  observer: ObserverKind;
  observerOptions?: ObserverOptions;
  /** Samples to use (default 100, or the dataset size if smaller). */
  samples?: number;
  /** Samples per run when the batch dim is symbolic (default 16). */
  batchSize?: number;
  /** Ranges are symmetric (|x|) when activations are quantized symmetrically. */
  symmetric: boolean;
  threads?: number;
  runtime?: Runtime;
  onProgress?: (done: number, total: number) => void;
  /** Activation memory one calibration batch may hold, as measured on a probe sample (default 1 GiB). */
  memoryBudgetBytes?: number;
}

export interface CalibrationResult {
  ranges: Map<Value, Range>;
  samples: number;
  runs: number;
  batchSize: number;
  ms: number;
}

export async function calibrate(model: Model, tensors: readonly Value[], ds: Dataset, opts: CalibrationOptions): Promise<CalibrationResult> {
  // Nothing to observe (e.g. every quantizable op sits inside an If body): no run at all, as
  // ONNX Runtime refuses a run without outputs to fetch.
  if (tensors.length === 0) return { ranges: new Map(), samples: 0, runs: 0, batchSize: 0, ms: 0 };
  const minmaxOnly = !createObserver(opts.observer, opts.observerOptions).needsValues;
  const copy = cloneModel(model);
  const g = copy.graph;
  const outputs: { name: string; tensor: string; role: "min" | "max" | "values" }[] = [];
  for (const t of tensors) {
    const v = g.findValue(t.name);
    if (!v) throw new Error(`calibration: tensor "${t.name}" is missing from the model copy`);
    if (minmaxOnly) {
      // Right after the producer: ONNX Runtime then runs the reductions early and frees the
      // activation, instead of keeping every observed tensor alive to the end of the graph.
      const where = v.producer ? { after: v.producer } : { before: g.nodes[0] };
      const mx = g.addNode("ReduceMax", [v], { keepdims: 0 }, where).output(0);
      const mn = g.addNode("ReduceMin", [v], { keepdims: 0 }, where).output(0);
      g.addOutput(mn);
      g.addOutput(mx);
      outputs.push({ name: mn.name, tensor: t.name, role: "min" }, { name: mx.name, tensor: t.name, role: "max" });
    } else {
      if (!v.isGraphOutput) g.addOutput(v);
      outputs.push({ name: v.name, tensor: t.name, role: "values" });
    }
  }
  const observers = new Map<string, Observer>(tensors.map((t) => [t.name, createObserver(opts.observer, opts.observerOptions)]));
  const inputs = copy.graph.inputs.filter((v) => !v.initializer);
  const { batchSize: requested, fixed } = runBatch(inputs, opts.batchSize ?? 16);
  const total = Math.min(ds.size, opts.samples ?? 100);
  const bind = bindInputs(ds, inputs.map((v) => v.name));
  const session = await openSession(copy, { threads: opts.threads, runtime: opts.runtime });
  const names = [...new Set(outputs.map((o) => o.name))];
  const t0 = performance.now();
  let done = 0;
  let runs = 0;
  let batchSize = requested;
  const observe = async (indices: number[]): Promise<void> => {
    const batch = collate(ds, await Promise.all(indices.map((i) => ds.get(i))), indices);
    const feeds = conformFeeds(bind(batch.inputs), inputs, batchSize, fixed);
    let res: Record<string, HostTensor>;
    try {
      res = await session.run(feeds, names);
    } catch (e) {
      // The float model itself fails on these samples (e.g. shape or index inputs that the
      // data does not fill sensibly): a problem with the data, told in one line.
      const why = ortMessage(e, 170).replace(/^ONNX Runtime could not run the model: /, "");
      const at = indices.length > 1 ? `samples ${indices[0]}..${indices.at(-1)}` : `sample ${indices[0]}`;
      throw new QuantaError(`the float model fails in ONNX Runtime on ${at} of ${ds.description}: ${why}`);
    }
    runs++;
    const pending = new Map<string, { min?: number; max?: number }>();
    for (const o of outputs) {
      const t = res[o.name]!;
      if (o.role === "values") {
        observers.get(o.tensor)!.observe(t.data as Float32Array);
        continue;
      }
      const p = pending.get(o.tensor) ?? {};
      p[o.role] = Number((t.data as Float32Array)[0]);
      pending.set(o.tensor, p);
    }
    for (const [name, p] of pending) observers.get(name)!.observeMinMax(p.min!, p.max!);
    done += indices.length;
    opts.onProgress?.(done, total);
  };
  try {
    let next = 0;
    if (!fixed && total > 0) {
      // ONNX Runtime keeps every observed tensor alive until the end of a run, so a batch costs
      // the sum of all observed activations. Probe one sample, then size batches to the budget.
      const before = process.memoryUsage().rss;
      await observe([0]);
      const perSample = Math.max(process.memoryUsage().rss - before, 1);
      batchSize = Math.max(1, Math.min(requested, Math.floor((opts.memoryBudgetBytes ?? 2 ** 30) / perSample)));
      next = 1;
    }
    for (; next < total; next += batchSize) {
      await observe(Array.from({ length: Math.min(batchSize, total - next) }, (_, k) => next + k));
    }
  } finally {
    await session.release();
  }
  const ranges = new Map<Value, Range>();
  for (const t of tensors) ranges.set(t, observers.get(t.name)!.range({ symmetric: opts.symmetric }));
  return { ranges, samples: done, runs, batchSize, ms: performance.now() - t0 };
}
