import { test } from "node:test";
import assert from "node:assert/strict";
import { DataType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { emptyRangeCounts, tensorToFloat16 } from "./convert-tensor.js";

test("values beyond ±65504 clamp and are counted; Inf and NaN pass through", () => {
  const counts = emptyRangeCounts();
  const t = tensorToFloat16(Tensor.fromArray(DataType.FLOAT, [2, 3], [1e6, -7e4, 1.5, Infinity, NaN, 65504]), counts);
  assert.equal(t.dtype, DataType.FLOAT16);
  assert.deepEqual(t.dims, [2, 3]);
  const v = t.toFloat32();
  assert.deepEqual([...v.slice(0, 4)], [65504, -65504, 1.5, Infinity]);
  assert.ok(Number.isNaN(v[4]));
  assert.equal(v[5], 65504);
  assert.deepEqual(counts, { clampedValues: 2, underflowedValues: 0, raisedValues: 0 });
});

test("non-zero values that round to zero are counted; subnormals survive", () => {
  const counts = emptyRangeCounts();
  const t = tensorToFloat16(Tensor.fromArray(DataType.FLOAT, [4], [1e-9, -1e-10, 1e-6, 0]), counts);
  const v = t.toFloat32();
  assert.equal(v[0], 0);
  assert.ok(Object.is(v[1], -0));
  assert.ok(Math.abs(v[2]! - 1e-6) < 3e-8, `subnormal kept: ${v[2]}`);
  assert.equal(counts.underflowedValues, 2);
});

test("minPositive raises tiny magnitudes instead of losing them", () => {
  const counts = emptyRangeCounts();
  const v = tensorToFloat16(Tensor.fromArray(DataType.FLOAT, [3], [1e-9, -2e-8, 0.5]), counts, 1e-7).toFloat32();
  assert.ok(v[0]! > 0 && Math.abs(v[0]! - 1e-7) < 3e-8);
  assert.ok(v[1]! < 0 && Math.abs(v[1]! + 1e-7) < 3e-8);
  assert.equal(v[2], 0.5);
  assert.deepEqual(counts, { clampedValues: 0, underflowedValues: 0, raisedValues: 2 });
});
