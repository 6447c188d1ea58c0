import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { openSession } from "../runtime/session.js";
import { buildGradientGraph } from "./gradient-graph.js";
import { nodeRuntime } from "../runtime/node.js";
import { webRuntime } from "../runtime/web.js";

function linearModel(opset = 17) {
  const { model, builder: b } = createModel({ opset });
  const x = b.input("x", DataType.FLOAT, ["n", 3]);
  const w = b.initializer("w", Tensor.fromArray(DataType.FLOAT, [3, 2], Float32Array.from([1, 2, 3, 4, 5, 6])));
  const bias = b.initializer("bias", Tensor.fromArray(DataType.FLOAT, [2], Float32Array.from([0.5, -0.5])));
  const y = b.op("Add", [b.op("MatMul", [x, w]), bias]);
  b.output(y, "y");
  b.output(b.op("ReduceSum", [y], { keepdims: 0 }), "total");
  return model;
}

test("outputs: loss, then one `_grad` per wrt in order; wrt initializers become inputs", async () => {
  const model = linearModel();
  const { model: gm, gradientNames, initialValues } = buildGradientGraph(model, { loss: "total", wrt: ["bias", "w"] });
  assert.deepEqual(gm.graph.outputs.map((v) => v.name), ["total", "bias_grad", "w_grad"]);
  assert.deepEqual([...gradientNames], [["bias", "bias_grad"], ["w", "w_grad"]]);
  assert.deepEqual(gm.graph.inputs.map((v) => v.name), ["x", "bias", "w"], "appended in wrt order");
  assert.ok(!gm.graph.initializers.has("w") && !gm.graph.initializers.has("bias"));
  assert.deepEqual([...initialValues.get("w")!.toFloat32()], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(gm.graph.outputs[2]!.shape, [3, 2]);
  // The input model is untouched.
  assert.ok(model.graph.initializers.has("w"));
  assert.deepEqual(model.graph.outputs.map((v) => v.name), ["y", "total"]);

  // Weights are fed, so each step can use new ones.
  const s = await openSession(gm);
  const feeds = {
    x: { type: "float32" as const, dims: [2, 3], data: Float32Array.from([1, 0, 2, 0, 1, 1]) },
    w: { type: "float32" as const, dims: [3, 2], data: new Float32Array(6) },
    bias: { type: "float32" as const, dims: [2], data: Float32Array.from([1, 1]) },
  };
  const r = await s.run(feeds);
  await s.release();
  assert.equal((r.total!.data as Float32Array)[0], 4);
  assert.deepEqual([...(r.bias_grad!.data as Float32Array)], [2, 2]);
  // d total / d w[k][j] = sum_n x[n][k]
  assert.deepEqual([...(r.w_grad!.data as Float32Array)], [1, 1, 1, 1, 3, 3]);
});

test("keepForwardOutputs keeps the other forward outputs after the gradients", () => {
  const { model: gm } = buildGradientGraph(linearModel(), { loss: "total", wrt: ["w"], keepForwardOutputs: true });
  assert.deepEqual(gm.graph.outputs.map((v) => v.name), ["total", "w_grad", "y"]);
});

test("two wrt values sharing one gradient value each get their own output", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const a = b.input("a", DataType.FLOAT, [2]);
  const c = b.input("c", DataType.FLOAT, [2]);
  b.output(b.op("ReduceSum", [b.op("Add", [a, c])], { keepdims: 0 }), "loss");
  const { model: gm } = buildGradientGraph(model, { loss: "loss", wrt: ["a", "c"] });
  const s = await openSession(gm);
  const r = await s.run({ a: { type: "float32", dims: [2], data: new Float32Array(2) }, c: { type: "float32", dims: [2], data: new Float32Array(2) } });
  await s.release();
  assert.deepEqual([...(r.a_grad!.data as Float32Array)], [1, 1]);
  assert.deepEqual([...(r.c_grad!.data as Float32Array)], [1, 1]);
});

test("a model below opset 16 is upgraded so the scatter-based gradients load", async () => {
  const { model, builder: b } = createModel({ opset: 13 });
  const x = b.input("x", DataType.FLOAT, [1, 1, 2, 2]);
  b.output(b.op("ReduceSum", [b.op("MaxPool", [x], { kernel_shape: [2, 2] })], { keepdims: 0 }), "loss");
  const { model: gm } = buildGradientGraph(model, { loss: "loss", wrt: ["x"] });
  assert.equal(gm.opset, 16);
  const s = await openSession(gm);
  const r = await s.run({ x: { type: "float32", dims: [1, 1, 2, 2], data: Float32Array.from([1, 4, 2, 3]) } });
  await s.release();
  assert.deepEqual([...(r.x_grad!.data as Float32Array)], [0, 1, 0, 0]);
});

test("unknown loss or wrt names are reported", () => {
  assert.throws(() => buildGradientGraph(linearModel(), { loss: "nope", wrt: ["w"] }), /no value named "nope"/);
  assert.throws(() => buildGradientGraph(linearModel(), { loss: "total", wrt: ["y"] }), /not an initializer or graph input/);
});

test("the gradient model runs the same on onnxruntime-web (wasm) as on onnxruntime-node", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["n", 2, 6, 6]);
  const w = b.initializer("w", Tensor.fromArray(DataType.FLOAT, [3, 2, 3, 3], Float32Array.from({ length: 54 }, (_, i) => Math.sin(i))));
  const y = b.op("MaxPool", [b.op("Relu", [b.op("Conv", [x, w], { strides: [2, 2], pads: [1, 1, 1, 1] })])], { kernel_shape: [2, 2] });
  b.output(b.op("ReduceMean", [b.op("Mul", [y, y])], { keepdims: 0 }), "loss");
  const { model: gm } = buildGradientGraph(model, { loss: "loss", wrt: ["w", "x"] });
  const feeds = {
    x: { type: "float32" as const, dims: [2, 2, 6, 6], data: Float32Array.from({ length: 144 }, (_, i) => Math.cos(i * 0.7)) },
    w: { type: "float32" as const, dims: [3, 2, 3, 3], data: Float32Array.from({ length: 54 }, (_, i) => Math.sin(i)) },
  };
  const results = [];
  for (const runtime of [await nodeRuntime(), await webRuntime()]) {
    const s = await openSession(gm, { runtime, threads: 1 });
    results.push(await s.run(feeds));
    await s.release();
  }
  for (const name of ["loss", "w_grad", "x_grad"]) {
    const [a, c] = results.map((r) => r[name]!.data as Float32Array);
    assert.ok(a!.some((v) => v !== 0));
    a!.forEach((v, i) => assert.ok(Math.abs(v - c![i]!) <= 1e-5 * Math.max(1, Math.abs(v)), `${name}[${i}]: ${v} vs ${c![i]}`));
  }
});
