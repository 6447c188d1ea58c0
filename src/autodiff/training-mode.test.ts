import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { openSession } from "../runtime/session.js";
import { toTrainingMode } from "./training-mode.js";

test("toTrainingMode: batch statistics, running-statistics updates as outputs, statistics as inputs", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["n", 2, 2]);
  const f = (name: string, v: number[]) => b.initializer(name, Tensor.fromArray(DataType.FLOAT, [2], Float32Array.from(v)));
  const y = b.op("BatchNormalization", [x, f("s", [1, 1]), f("b", [0, 0]), f("rm", [0.5, -1]), f("rv", [2, 3])], { momentum: 0.8, epsilon: 0 });
  b.output(y, "y");
  const { model: tm, runningStats } = toTrainingMode(model);
  assert.deepEqual(
    runningStats.map((r) => [r.input, r.output]),
    [["rm", "rm_new"], ["rv", "rv_new"]],
  );
  assert.deepEqual(tm.graph.outputs.map((v) => v.name), ["y", "rm_new", "rv_new"]);
  assert.deepEqual(tm.graph.inputs.map((v) => v.name), ["x", "rm", "rv"]);
  assert.equal(model.graph.nodes[0]!.getInt("training_mode"), undefined, "the input model is untouched");

  const xs = [1, 3, 2, 6, 5, 7, 4, 10]; // [2 batch, 2 channels, 2]
  const feeds: Record<string, { type: "float32"; dims: number[]; data: Float32Array }> = { x: { type: "float32", dims: [2, 2, 2], data: Float32Array.from(xs) } };
  for (const r of runningStats) feeds[r.input] = { type: "float32", dims: [2], data: r.initial!.toFloat32() };
  const s = await openSession(tm);
  const out = await s.run(feeds);
  await s.release();
  const channel = (c: number) => [xs[2 * c]!, xs[2 * c + 1]!, xs[4 + 2 * c]!, xs[4 + 2 * c + 1]!];
  const mean = [0, 1].map((c) => channel(c).reduce((a, v) => a + v, 0) / 4);
  const variance = [0, 1].map((c) => channel(c).reduce((a, v) => a + (v - mean[c]!) ** 2, 0) / 4);
  const close = (got: Float32Array, want: number[]) => want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) < 1e-5, `${got[i]} vs ${w}`));
  close(out.rm_new!.data as Float32Array, [0.8 * 0.5 + 0.2 * mean[0]!, 0.8 * -1 + 0.2 * mean[1]!]);
  close(out.rv_new!.data as Float32Array, [0.8 * 2 + 0.2 * variance[0]!, 0.8 * 3 + 0.2 * variance[1]!]);
  close(out.y!.data as Float32Array, xs.map((v, i) => (v - mean[Math.floor(i / 2) % 2]!) / Math.sqrt(variance[Math.floor(i / 2) % 2]!)));
});
