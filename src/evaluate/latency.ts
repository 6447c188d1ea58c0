// Latency of one model in ONNX Runtime: warm-up, then timed runs; medians, not means.

import type { Model } from "../ir/model.js";
import { openSession } from "../runtime/session.js";
import { peakRssBytes } from "./peak-rss.js";
import type { Runtime, OptimizationLevel } from "../runtime/runtime.js";
import { planInputs, randomFeeds } from "./random-inputs.js";
import type { HostTensor } from "../runtime/host-tensor.js";

export interface LatencyOptions {
  runs?: number;
  warmup?: number;
  threads?: number;
  dims?: Record<string, number>;
  optimizationLevel?: OptimizationLevel;
  runtime?: Runtime;
  /** Called after each timed run (progress bars). */
  onRun?: (done: number, total: number) => void;
  feeds?: Record<string, HostTensor>;
}

export interface LatencyReport {
  runs: number;
  warmup: number;
  threads: number | "default";
  inputs: { name: string; dims: number[] }[];
  /** Symbolic dims that were not given and defaulted to 1. */
  defaultedDims: string[];
  medianMs: number;
  p90Ms: number;
  minMs: number;
  meanMs: number;
  /** Samples per second at the median latency (batch = leading dim of the first input). */
  throughput: number;
  sessionMs: number;
  peakRssBytes: number;
}

export async function measureLatency(model: Model, opts: LatencyOptions = {}): Promise<LatencyReport> {
  const runs = opts.runs ?? 50;
  const warmup = opts.warmup ?? 5;
  const { inputs, defaulted } = planInputs(model, opts.dims);
  const feeds = opts.feeds ?? randomFeeds(model, inputs);
  const t0 = performance.now();
  const session = await openSession(model, { threads: opts.threads, optimizationLevel: opts.optimizationLevel, runtime: opts.runtime });
  const sessionMs = performance.now() - t0;
  const times: number[] = [];
  try {
    for (let i = 0; i < warmup; i++) await session.run(feeds);
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      await session.run(feeds);
      times.push(performance.now() - s);
      opts.onRun?.(i + 1, runs);
    }
  } finally {
    await session.release();
  }
  const sorted = [...times].sort((a, b) => a - b);
  const medianMs = quantile(sorted, 0.5);
  const batch = inputs[0]?.dims[0] ?? 1;
  return {
    runs,
    warmup,
    threads: opts.threads ?? "default",
    inputs: inputs.map((p) => ({ name: p.name, dims: p.dims })),
    defaultedDims: defaulted,
    medianMs,
    p90Ms: quantile(sorted, 0.9),
    minMs: sorted[0] ?? NaN,
    meanMs: times.reduce((a, b) => a + b, 0) / Math.max(1, times.length),
    throughput: (batch * 1000) / medianMs,
    sessionMs,
    peakRssBytes: peakRssBytes(),
  };
}

/** Linear-interpolated quantile of an ascending array. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
