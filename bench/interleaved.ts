// Latency of several variants of a model measured side by side: every round runs each variant
// once, in turn, so machine noise hits all of them alike. Reports medians, and ratios to the first
// variant taken round by round (each round's pair ran seconds apart, so a load change between
// rounds cancels out of the ratio).

import type { Model } from "../src/ir/model.js";
import { openSession } from "../src/runtime/session.js";
import type { HostTensor } from "../src/runtime/host-tensor.js";
import type { Runtime, RuntimeSession } from "../src/runtime/runtime.js";
import { quantile } from "../src/evaluate/latency.js";

export interface InterleavedTimes {
  /** Median wall-clock ms per run. */
  ms: Record<string, number>;
  /** Median over rounds of (this variant's wall time / the first variant's, same round). */
  ratio: Record<string, number>;
  /**
   * Median process CPU ms (user + system) per run: leaves out time spent waiting for a core on a
   * loaded machine. With more than one intra-op thread it sums the threads (spinning included).
   */
  cpuMs: Record<string, number>;
  /** Median over rounds of the CPU-time ratio to the first variant. */
  cpuRatio: Record<string, number>;
}

export async function interleavedTimes(
  variants: { name: string; model: Model }[],
  feeds: Record<string, HostTensor>,
  opts: { threads: number; runs: number; warmup?: number; runtime?: Runtime },
): Promise<InterleavedTimes> {
  const sessions: [string, RuntimeSession][] = [];
  const wall = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const cpu = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  try {
    for (const v of variants) sessions.push([v.name, await openSession(v.model, { threads: opts.threads, runtime: opts.runtime })]);
    for (let i = 0; i < (opts.warmup ?? 3); i++) for (const [, s] of sessions) await s.run(feeds);
    for (let r = 0; r < opts.runs; r++) {
      for (const [name, s] of sessions) {
        const c = process.cpuUsage();
        const t = performance.now();
        await s.run(feeds);
        wall.get(name)!.push(performance.now() - t);
        const used = process.cpuUsage(c);
        cpu.get(name)!.push((used.user + used.system) / 1000);
      }
    }
  } finally {
    for (const [, s] of sessions) await s.release();
  }
  const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);
  const first = variants[0]!.name;
  const perRound = (m: Map<string, number[]>, name: string) => median(m.get(name)!.map((x, i) => x / m.get(first)![i]!));
  const names = variants.map((v) => v.name);
  return {
    ms: Object.fromEntries(names.map((n) => [n, median(wall.get(n)!)])),
    ratio: Object.fromEntries(names.map((n) => [n, perRound(wall, n)])),
    cpuMs: Object.fromEntries(names.map((n) => [n, median(cpu.get(n)!)])),
    cpuRatio: Object.fromEntries(names.map((n) => [n, perRound(cpu, n)])),
  };
}

/** Median wall-clock ms per variant. */
export async function interleavedLatency(
  variants: { name: string; model: Model }[],
  feeds: Record<string, HostTensor>,
  opts: { threads: number; runs: number; warmup?: number; runtime?: Runtime },
): Promise<Record<string, number>> {
  return (await interleavedTimes(variants, feeds, opts)).ms;
}
