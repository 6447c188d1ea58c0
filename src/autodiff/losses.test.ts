import { test } from "node:test";
import assert from "node:assert/strict";
import { gradCheck } from "./testing/gradcheck.js";
import { addMse, addSoftmaxCrossEntropy } from "./losses.js";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { openSession } from "../runtime/session.js";

const logits = [0.2, -1.3, 0.7, 0.05, 1.1, -0.4, -0.9, 0.3, 0.6, 0.25, -0.15, 0.8];
const labels = [2, 0, 3];

test("softmax cross-entropy: the mean over the batch of -log softmax at the label", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const z = b.input("z", DataType.FLOAT, ["n", 4]);
  const y = b.input("y", DataType.INT64, ["n"]);
  const loss = addSoftmaxCrossEntropy(model.graph, z, y);
  assert.equal(loss.name, "loss");
  b.output(loss);
  const s = await openSession(model);
  const r = await s.run({ z: { type: "float32", dims: [3, 4], data: Float32Array.from(logits) }, y: { type: "int64", dims: [3], data: BigInt64Array.from(labels.map(BigInt)) } });
  await s.release();
  let expected = 0;
  for (let n = 0; n < 3; n++) {
    const row = logits.slice(4 * n, 4 * n + 4);
    const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
    expected += (lse - row[labels[n]!]!) / 3;
  }
  assert.ok(Math.abs((r.loss!.data as Float32Array)[0]! - expected) < 1e-6);
});

test("softmax cross-entropy gradient matches finite differences", async () => {
  await gradCheck({
    tensors: { z: { dims: [3, 4], values: logits }, y: { dims: [3], values: labels, type: "int64" } },
    forward: (b, t) => addSoftmaxCrossEntropy(b.graph, t.z!, t.y!, { name: "ce" }),
  });
});

test("mean squared error gradient matches finite differences", async () => {
  await gradCheck({
    tensors: { p: { dims: [2, 3] }, q: { dims: [2, 3] } },
    forward: (b, t) => addMse(b.graph, t.p!, t.q!, { name: "mse" }),
  });
});
