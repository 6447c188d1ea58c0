import { test } from "node:test";
import assert from "node:assert/strict";
import { gradCheck } from "../testing/gradcheck.js";
import { createModel } from "../../ir/builder.js";
import { DataType } from "../../ir/dtype.js";
import { Tensor } from "../../ir/tensor/tensor.js";
import { buildGradientGraph } from "../gradient-graph.js";
import { openSession } from "../../runtime/session.js";

// Distinct values 0.05 apart: no two elements of a window are within a float64 eps of a tie.
const distinct = (n: number, seed: number) => Array.from({ length: n }, (_, i) => (((i * 37 + seed) % n) - n / 2) * 0.05);

test("MaxPool with overlapping windows, stride and padding (no ties)", async () => {
  const r = await gradCheck({
    tensors: { x: { dims: [2, 2, 5, 5], values: distinct(100, 11) } },
    forward: (b, t) => b.op("MaxPool", [t.x!], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
  });
  assert.equal(r.precision, "float64");
});

test("MaxPool with dilations and batch dims unknown until run time", async () => {
  await gradCheck({
    tensors: { x: { dims: [2, 1, 6, 6], shape: ["n", 1, 6, 6], values: distinct(72, 5) } },
    forward: (b, t) => b.op("MaxPool", [t.x!], { kernel_shape: [2, 2], dilations: [2, 2] }),
  });
});

test("MaxPool with ties: each window's gradient goes to the one element ONNX Runtime's Indices name", async () => {
  // Values from {0, 1, 2}: most windows tie, and overlapping windows often pick the same element,
  // whose gradient must then be the sum of theirs. ONNX Runtime takes the first maximum in
  // row-major window order, skipping padding; the expectation below follows that rule.
  const [H, W, k, pad] = [4, 5, 2, 1];
  const xs = Array.from({ length: H * W }, (_, i) => (i * 7) % 3);
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [1, 1, H, W]);
  const [OH, OW] = [H + 2 * pad - k + 1, W + 2 * pad - k + 1];
  const weights = Array.from({ length: OH * OW }, (_, i) => i + 1);
  const w = b.initializer("wgt", Tensor.fromArray(DataType.FLOAT, [1, 1, OH, OW], Float32Array.from(weights)));
  const y = b.op("MaxPool", [x], { kernel_shape: [k, k], strides: [1, 1], pads: [pad, pad, pad, pad] });
  b.output(b.op("ReduceSum", [b.op("Mul", [y, w])], { keepdims: 0 }), "loss");
  const { model: gm } = buildGradientGraph(model, { loss: "loss", wrt: ["x"] });
  const s = await openSession(gm);
  const r = await s.run({ x: { type: "float32", dims: [1, 1, H, W], data: Float32Array.from(xs) } }, ["x_grad"]);
  await s.release();

  const expected = new Array<number>(H * W).fill(0);
  let shared = 0;
  for (let oh = 0; oh < OH; oh++) {
    for (let ow = 0; ow < OW; ow++) {
      let best = -1;
      for (let i = oh - pad; i < oh - pad + k; i++) {
        for (let j = ow - pad; j < ow - pad + k; j++) {
          if (i < 0 || j < 0 || i >= H || j >= W) continue;
          if (best < 0 || xs[i * W + j]! > xs[best]!) best = i * W + j;
        }
      }
      if (expected[best]! > 0) shared++;
      expected[best]! += weights[oh * OW + ow]!;
    }
  }
  assert.ok(shared > 3, "the case should make windows share their maximum");
  assert.deepEqual([...(r.x_grad!.data as Float32Array)], expected);
});

test("AveragePool with padding, count_include_pad 0 and 1, and a stride that does not divide", async () => {
  for (const count_include_pad of [0, 1]) {
    const r = await gradCheck({
      tensors: { x: { dims: [2, 3, 5, 6] } },
      forward: (b, t) => b.op("AveragePool", [t.x!], { kernel_shape: [3, 2], strides: [2, 3], pads: [1, 0, 1, 1], count_include_pad }),
    });
    assert.equal(r.precision, "float32");
  }
});

test("AveragePool with spatial dims unknown until run time", async () => {
  await gradCheck({
    tensors: { x: { dims: [1, 2, 5, 5], shape: ["n", 2, "h", "w"] } },
    forward: (b, t) => b.op("AveragePool", [t.x!], { kernel_shape: [2, 2], strides: [2, 2] }),
  });
});

test("GlobalAveragePool, static and symbolic shapes", async () => {
  await gradCheck({ tensors: { x: { dims: [2, 3, 3, 4] } }, forward: (b, t) => b.op("GlobalAveragePool", [t.x!]) });
  await gradCheck({ tensors: { x: { dims: [2, 3, 3, 4], shape: ["n", 3, "h", "w"] } }, forward: (b, t) => b.op("GlobalAveragePool", [t.x!]) });
});
