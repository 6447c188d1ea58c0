import { test } from "node:test";
import assert from "node:assert/strict";
import { argmaxRows } from "./accuracy.js";
import { float32ToFloat16Bits } from "../ir/tensor/float16.js";

test("argmaxRows reads float16 scores by value, not by bit pattern", () => {
  // As raw bits, -2 (0xc000) is larger than every positive score here.
  const scores = [-2, 0.5, 0.25, 3, -1, -0.5];
  const t = { type: "float16" as const, dims: [2, 3], data: Uint16Array.from(scores, float32ToFloat16Bits) };
  assert.deepEqual([...argmaxRows(t, 2)], [1, 0]);
  const f = { type: "float32" as const, dims: [2, 3], data: Float32Array.from(scores) };
  assert.deepEqual([...argmaxRows(f, 2)], [1, 0]);
});
