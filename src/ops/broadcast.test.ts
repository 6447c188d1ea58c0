import { test } from "node:test";
import assert from "node:assert/strict";
import { broadcastDim, broadcastShapes } from "./broadcast.js";

test("numpy broadcasting with symbolic dims", () => {
  assert.deepEqual(broadcastShapes([2, 3, 4], [4]), [2, 3, 4]);
  assert.deepEqual(broadcastShapes(["batch", 1, 768], [1, "seq", 768]), ["batch", "seq", 768]);
  assert.deepEqual(broadcastShapes(["batch"], [1]), ["batch"]);
  assert.deepEqual(broadcastShapes([], [5]), [5]);
  assert.equal(broadcastDim("a", "b"), null);
  assert.equal(broadcastDim("a", "a"), "a");
  assert.equal(broadcastDim("a", 5), 5);
  assert.equal(broadcastDim(null, 5), 5);
  assert.equal(broadcastDim(null, 1), null);
  assert.equal(broadcastDim(null, "a"), null);
  assert.equal(broadcastShapes([2], undefined), undefined);
  assert.throws(() => broadcastShapes([2], [3]), /do not broadcast/);
});
