import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { Rng } from "../zoo/prng.js";
import { openSession } from "../runtime/session.js";
import type { HostTensor } from "../runtime/host-tensor.js";
import { addSoftmaxCrossEntropy } from "./losses.js";
import { buildGradientGraph } from "./gradient-graph.js";

// End to end: a two-layer MLP with a cross-entropy loss, trained by hand-written SGD in JS
// (w -= lr * grad) on gradients from the one forward+backward session.
test("a tiny MLP trained with SGD on its ONNX gradients lowers its cross-entropy", async () => {
  const [inputs, hidden, classes, batch] = [4, 16, 3, 12];
  const rng = new Rng(11);
  const uniform = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["batch", inputs]);
  const labels = b.input("labels", DataType.INT64, ["batch"]);
  const w1 = b.initializer("w1", Tensor.fromArray(DataType.FLOAT, [hidden, inputs], uniform(hidden * inputs, 0.5)));
  const b1 = b.initializer("b1", Tensor.fromArray(DataType.FLOAT, [hidden], new Float32Array(hidden)));
  const w2 = b.initializer("w2", Tensor.fromArray(DataType.FLOAT, [hidden, classes], uniform(hidden * classes, 0.25)));
  const b2 = b.initializer("b2", Tensor.fromArray(DataType.FLOAT, [classes], new Float32Array(classes)));
  const h = b.op("Relu", [b.op("Gemm", [x, w1, b1], { transB: 1 })]);
  const logits = b.op("Add", [b.op("MatMul", [h, w2]), b2]);
  b.output(logits, "logits");
  addSoftmaxCrossEntropy(model.graph, logits, labels);

  const params = ["w1", "b1", "w2", "b2"];
  const { model: gm, gradientNames, initialValues } = buildGradientGraph(model, { loss: "loss", wrt: params });
  assert.deepEqual(gm.graph.outputs.map((v) => v.name), ["loss", "w1_grad", "b1_grad", "w2_grad", "b2_grad"]);

  // Three separable clusters: the class decides the sign pattern of the features.
  const xs = new Float32Array(batch * inputs);
  const ys = new BigInt64Array(batch);
  for (let n = 0; n < batch; n++) {
    const c = n % classes;
    ys[n] = BigInt(c);
    for (let k = 0; k < inputs; k++) xs[n * inputs + k] = (k % classes === c ? 1 : -0.5) + (rng.next() - 0.5) * 0.3;
  }
  const theta = new Map(params.map((p) => [p, Float32Array.from(initialValues.get(p)!.toFloat32())]));
  const feeds: Record<string, HostTensor> = {
    x: { type: "float32", dims: [batch, inputs], data: xs },
    labels: { type: "int64", dims: [batch], data: ys },
  };
  const s = await openSession(gm, { threads: 1 });
  const lr = 0.5;
  const losses: number[] = [];
  for (let step = 0; step < 15; step++) {
    for (const p of params) feeds[p] = { type: "float32", dims: [...initialValues.get(p)!.dims], data: theta.get(p)! };
    const r = await s.run(feeds);
    losses.push((r.loss!.data as Float32Array)[0]!);
    for (const p of params) {
      const g = r[gradientNames.get(p)!]!.data as Float32Array;
      theta.set(p, Float32Array.from(theta.get(p)!, (w, i) => w - lr * g[i]!));
    }
  }
  await s.release();
  // The first steps each lower the loss, and training gets well below chance (ln 3 = 1.10).
  for (let i = 1; i <= 3; i++) assert.ok(losses[i]! < losses[i - 1]!, `step ${i}: ${losses.join(", ")}`);
  assert.ok(losses.at(-1)! < 0.5 * losses[0]!, losses.join(", "));
});
