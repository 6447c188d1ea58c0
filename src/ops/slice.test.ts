import { test } from "node:test";
import assert from "node:assert/strict";
import { sliceIndices, sliceLength } from "./slice.js";

const INT64_MAX = 9223372036854775807;

test("slice positions clamp like ONNX", () => {
  assert.deepEqual(sliceIndices(5, 1, 3, 1), [1, 2]);
  assert.deepEqual(sliceIndices(5, -2, INT64_MAX, 1), [3, 4]);
  assert.deepEqual(sliceIndices(5, 0, 100, 2), [0, 2, 4]);
  assert.deepEqual(sliceIndices(5, -1, -INT64_MAX, -1), [4, 3, 2, 1, 0]);
  assert.deepEqual(sliceIndices(5, 10, 0, -2), [4, 2]);
  assert.deepEqual(sliceIndices(5, 3, 1, 1), []);
  assert.deepEqual(sliceIndices(5, -100, 2, 1), [0, 1]);
});

test("sliceLength agrees with sliceIndices", () => {
  for (const d of [0, 1, 5, 8])
    for (const s of [-9, -3, -1, 0, 2, 7, INT64_MAX])
      for (const e of [-INT64_MAX, -6, -1, 0, 3, 9, INT64_MAX])
        for (const t of [-3, -1, 1, 2]) assert.equal(sliceLength(d, s, e, t), sliceIndices(d, s, e, t).length, `${d} ${s}:${e}:${t}`);
  assert.throws(() => sliceLength(3, 0, 1, 0), /step/);
});
