// Latency of several variants of a model measured side by side: every round runs each variant
// once, in turn, so machine noise hits all of them alike. Reports medians.

import type { Model } from "../src/ir/model.js";
import { openSession } from "../src/runtime/session.js";
import type { HostTensor } from "../src/runtime/host-tensor.js";
import type { Runtime, RuntimeSession } from "../src/runtime/runtime.js";
import { quantile } from "../src/evaluate/latency.js";

export async function interleavedLatency(
  variants: { name: string; model: Model }[],
  feeds: Record<string, HostTensor>,
  opts: { threads: number; runs: number; warmup?: number; runtime?: Runtime },
): Promise<Record<string, number>> {
  const sessions: [string, RuntimeSession][] = [];
  for (const v of variants) sessions.push([v.name, await openSession(v.model, { threads: opts.threads, runtime: opts.runtime })]);
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  try {
    for (let i = 0; i < (opts.warmup ?? 3); i++) for (const [, s] of sessions) await s.run(feeds);
    for (let r = 0; r < opts.runs; r++) {
      for (const [name, s] of sessions) {
        const t = performance.now();
        await s.run(feeds);
        times.get(name)!.push(performance.now() - t);
      }
    }
  } finally {
    for (const [, s] of sessions) await s.release();
  }
  return Object.fromEntries([...times].map(([k, v]) => [k, quantile([...v].sort((a, b) => a - b), 0.5)]));
}
