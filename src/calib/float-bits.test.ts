import { test } from "node:test";
import assert from "node:assert/strict";
import { floorLog2, pow2 } from "./float-bits.js";

test("floorLog2 is exact at and just below powers of two, subnormals included", () => {
  assert.equal(floorLog2(1), 0);
  assert.equal(floorLog2(8), 3);
  assert.equal(floorLog2(0.75), -1);
  assert.equal(floorLog2(1 - 2 ** -53), -1); // Math.floor(Math.log2(x)) may say 0 here
  assert.equal(floorLog2(2 ** 40 - 2 ** -12), 39);
  assert.equal(floorLog2(2 ** -149), -149); // smallest float32 subnormal
  assert.equal(floorLog2(3 * 2 ** -1074), -1073);
  assert.throws(() => floorLog2(0), RangeError);
  assert.throws(() => floorLog2(Infinity), RangeError);
});

test("pow2 builds exact powers of two", () => {
  assert.equal(pow2(0), 1);
  assert.equal(pow2(10), 1024);
  assert.equal(pow2(-149), 2 ** -149);
  assert.equal(pow2(-1022), 2 ** -1022);
  assert.throws(() => pow2(0.5), RangeError);
  assert.throws(() => pow2(1024), RangeError);
});
