import { test } from "node:test";
import assert from "node:assert/strict";
import { windowOutputShape } from "./window.js";

test("explicit pads floor, ceil_mode rounds up but never starts a window in the right padding", () => {
  assert.deepEqual(windowOutputShape([28, 28], { kernel: [3, 3] }), [26, 26]);
  assert.deepEqual(windowOutputShape([7], { kernel: [2], strides: [2] }), [3]);
  assert.deepEqual(windowOutputShape([7], { kernel: [2], strides: [2], ceilMode: true }), [4]);
  assert.deepEqual(windowOutputShape([6], { kernel: [2], strides: [2], ceilMode: true }), [3]);
  // ceil would give 3 windows; the 3rd would start at 6 = in + pad_head, entirely in the right padding.
  assert.deepEqual(windowOutputShape([6], { kernel: [2], strides: [3], pads: [0, 1], ceilMode: true }), [2]);
  assert.deepEqual(windowOutputShape([7], { kernel: [2], strides: [3], pads: [0, 1], ceilMode: true }), [3]);
  assert.deepEqual(windowOutputShape([5], { kernel: [3], strides: [1], pads: [1, 1], dilations: [2] }), [3]);
});

test("SAME_* gives ceil(in / stride), VALID ignores pads", () => {
  assert.deepEqual(windowOutputShape([7, 9], { kernel: [3, 3], strides: [2, 2], autoPad: "SAME_UPPER" }), [4, 5]);
  assert.deepEqual(windowOutputShape([7], { kernel: [4], strides: [1], autoPad: "SAME_LOWER" }), [7]);
  assert.deepEqual(windowOutputShape([7], { kernel: [3], strides: [2], autoPad: "VALID", pads: [5, 5] }), [3]);
});

test("symbolic sizes survive only stride-1 windows that keep the size", () => {
  assert.deepEqual(windowOutputShape(["h"], { kernel: [3], pads: [1, 1] }), ["h"]);
  assert.deepEqual(windowOutputShape(["h"], { kernel: [3] }), [null]);
  assert.deepEqual(windowOutputShape(["h"], { kernel: [3], strides: [1], autoPad: "SAME_UPPER" }), ["h"]);
  assert.deepEqual(windowOutputShape(["h"], { kernel: [3], strides: [2], autoPad: "SAME_UPPER" }), [null]);
});
