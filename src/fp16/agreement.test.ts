import { test } from "node:test";
import assert from "node:assert/strict";
import { float32ToFloat16Bits } from "../ir/tensor/float16.js";
import { compareOutputs } from "./agreement.js";

test("errors and top-1 agreement between a float32 and a float16 output", () => {
  const ref = { type: "float32" as const, dims: [2, 3], data: Float32Array.from([1, 3, 2, 0, -1, 4]) };
  const test16 = { type: "float16" as const, dims: [2, 3], data: Uint16Array.from([1, 3, 2.5, 5, -1, 4], float32ToFloat16Bits) };
  const a = compareOutputs(ref, test16);
  assert.equal(a.maxAbsError, 5);
  assert.equal(a.rows, 2);
  assert.equal(a.top1Agreement, 0.5);
  assert.ok(Math.abs(a.relativeError - Math.sqrt(25.25 / 31)) < 1e-12);
  assert.throws(() => compareOutputs(ref, { ...ref, dims: [3, 2] }), /shapes/);
});
