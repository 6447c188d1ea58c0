import { test } from "node:test";
import assert from "node:assert/strict";
import { epochOrder, epochSeed, stepsPerEpoch, batchIndices } from "./data-order.js";

test("each epoch's order is a reproducible permutation, different across epochs and seeds", () => {
  const a = epochOrder(100, 5, 0);
  assert.deepEqual(a, epochOrder(100, 5, 0));
  assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
  assert.notDeepEqual(a, epochOrder(100, 5, 1));
  assert.notDeepEqual(a, epochOrder(100, 6, 0));
  assert.notEqual(epochSeed(0, 0), epochSeed(0, 1));
});

test("incomplete last batches are dropped; batches tile the order", () => {
  assert.equal(stepsPerEpoch(100, 32), 3);
  assert.equal(stepsPerEpoch(31, 32), 0);
  const order = epochOrder(10, 1, 0);
  assert.deepEqual([...batchIndices(order, 4, 0), ...batchIndices(order, 4, 1)], order.slice(0, 8));
});
