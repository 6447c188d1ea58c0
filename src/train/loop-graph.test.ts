import { test } from "node:test";
import assert from "node:assert/strict";
import { openSession } from "../runtime/session.js";
import { stackHost, type HostTensor } from "../runtime/host-tensor.js";
import { buildStepGraph, allSlots } from "./step-graph.js";
import { buildLoopGraph } from "./loop-graph.js";
import { tinyMlp, clusterSamples, FEATURES } from "./testing/tiny-models.js";

const BATCH = 6;
const K = 4;

function batch(k: number): Record<string, HostTensor> {
  const samples = clusterSamples(BATCH * K).slice(k * BATCH, (k + 1) * BATCH);
  return {
    x: stackHost(samples.map((s) => s.inputs.x!)),
    labels: { type: "int64", dims: [BATCH], data: BigInt64Array.from(samples, (s) => BigInt(s.label!)) },
  };
}
const scalar = (v: number): HostTensor => ({ type: "float32", dims: [], data: Float32Array.of(v) });

test("K steps in one Loop run give the same weights and losses as K step runs", async () => {
  const sg = buildStepGraph(tinyMlp(), { optimizer: { kind: "adamw" }, clipNorm: 2 });
  const lg = buildLoopGraph(sg);
  assert.equal(lg.model.graph.nodes.length, 1);
  assert.equal(lg.model.graph.nodes[0]!.opType, "Loop");
  const lrs = [0.05, 0.04, 0.03, 0.02];

  const single = await openSession(sg.model, { threads: 1 });
  const state: Record<string, HostTensor> = Object.fromEntries(allSlots(sg).map((s) => [s.input, s.initial.toHost()]));
  const losses: number[] = [];
  const norms: number[] = [];
  for (let k = 0; k < K; k++) {
    const r = await single.run({ ...batch(k), ...state, lr: scalar(lrs[k]!), [sg.step!]: scalar(k + 3) });
    losses.push((r.loss!.data as Float32Array)[0]!);
    norms.push((r[sg.gradNorm!]!.data as Float32Array)[0]!);
    for (const s of allSlots(sg)) state[s.input] = r[s.output]!;
  }
  await single.release();

  const loop = await openSession(lg.model, { threads: 1 });
  const batches = Array.from({ length: K }, (_, k) => batch(k));
  const feeds: Record<string, HostTensor> = {
    [lg.steps]: { type: "int64", dims: [], data: BigInt64Array.of(BigInt(K)) },
    [lg.stacked.get("x")!]: stackHost(batches.map((b) => b.x!)),
    [lg.stacked.get("labels")!]: stackHost(batches.map((b) => b.labels!)),
    [lg.lrs]: { type: "float32", dims: [K], data: Float32Array.from(lrs) },
    [lg.firstStep!]: scalar(3),
  };
  for (const s of allSlots(lg)) feeds[s.input] = s.initial.toHost();
  const r = await loop.run(feeds);
  await loop.release();

  assert.deepEqual(r[lg.losses]!.dims, [K]);
  const close = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-5 * Math.max(1, Math.abs(b[i]!)), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  };
  close(r[lg.losses]!.data as Float32Array, losses, "losses");
  close(r[lg.gradNorms!]!.data as Float32Array, norms, "grad norms");
  allSlots(lg).forEach((s, i) => close(r[s.output]!.data as Float32Array, state[allSlots(sg)[i]!.input]!.data as Float32Array, s.key));
  assert.equal(FEATURES, (feeds[lg.stacked.get("x")!]!.dims as number[])[2]);
});
