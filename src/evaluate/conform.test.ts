import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { QuantaError } from "../errors.js";
import { conform } from "./conform.js";

const f32 = (dims: number[]) => ({ type: "float32" as const, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) });

test("a scalar input takes one sample per run, without a batch axis", () => {
  const { builder: b } = createModel({ opset: 13 });
  const min = b.input("min", DataType.FLOAT, []);
  assert.deepEqual(conform(f32([1]), min, 1, false).dims, []);
  assert.throws(() => conform(f32([3]), min, 3, false), (e) => e instanceof QuantaError && /"min" is a scalar/.test(e.message));
});

test("an input whose fixed first dim differs from the batch is a one-line error, not an ONNX Runtime failure", () => {
  const { builder: b } = createModel({ opset: 13 });
  const w = b.input("b", DataType.FLOAT, [4, 3]);
  assert.throws(() => conform(f32([3, 3]), w, 3, true), (e) => e instanceof QuantaError && /fixed first dimension of 4 but the batch has 3/.test(e.message));
  assert.deepEqual(conform(f32([4, 3]), w, 4, true).dims, [4, 3]);
  const x = b.input("x", DataType.FLOAT, ["batch", 3]);
  assert.deepEqual(conform(f32([5, 3]), x, 8, false).dims, [5, 3], "symbolic batch: any row count");
});

test("a fixed batch too large to pad to is refused before allocating (was 'Invalid typed array length')", () => {
  const { builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [2147483647, 16]);
  const batch = { type: "float32" as const, dims: [2, 16], data: new Float32Array(32) };
  assert.throws(() => conform(batch, x, 2147483647, true), (e: Error) => e instanceof QuantaError && /^input "x" has a fixed batch of 2147483647: one run of it takes 131072 MB \(limit 256 MB\)/.test(e.message));
  // An ordinary fixed batch is still padded.
  const y = b.input("y", DataType.FLOAT, [4, 16]);
  assert.deepEqual(conform(batch, y, 4, true).dims, [4, 16]);
});
