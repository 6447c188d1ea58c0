import { test } from "node:test";
import assert from "node:assert/strict";
import { addDims, dimsEqual, divDims, evaluateDim, mulDims, productOfDims, subDims } from "./dims.js";

test("products of symbols are canonical and divide back exactly", () => {
  assert.equal(mulDims("batch", 768), "768*batch");
  assert.equal(mulDims(768, "batch"), "768*batch");
  assert.equal(mulDims("seq", "batch"), "batch*seq");
  assert.equal(productOfDims(["batch", "seq", 768]), "768*batch*seq");
  assert.equal(divDims("768*batch*seq", 768), "batch*seq");
  assert.equal(divDims("768*batch*seq", "batch*seq"), 768);
  assert.equal(divDims("768*batch*seq", mulDims("batch", 64)), "12*seq");
  assert.equal(divDims("batch", 2), null);
  assert.equal(divDims(10, 4), null);
  assert.equal(mulDims("batch", 1), "batch");
  assert.equal(mulDims("batch", 0), 0);
  assert.equal(mulDims("batch", null), null);
});

test("sums keep like terms and give up on the rest", () => {
  assert.equal(addDims(3, 4), 7);
  assert.equal(addDims("seq", "seq"), "2*seq");
  assert.equal(addDims("seq", 0), "seq");
  assert.equal(addDims("seq", 1), null);
  assert.equal(addDims("a", "b"), null);
  assert.equal(subDims("batch", "batch"), 0);
  assert.equal(subDims(5, 3), 2);
  assert.equal(subDims("seq", 1), null);
});

test("dim_params that are not products stay opaque", () => {
  assert.equal(mulDims("h + 1", 1), "h + 1");
  assert.equal(mulDims("h + 1", 2), null);
  assert.equal(divDims("h + 1", "h + 1"), 1);
  assert.ok(dimsEqual("batch*seq", "seq*batch"));
  assert.ok(!dimsEqual("batch", null));
});

test("evaluateDim binds symbols", () => {
  const b = new Map([["batch", 3], ["seq", 5]]);
  assert.equal(evaluateDim("768*batch*seq", b), 3 * 5 * 768);
  assert.equal(evaluateDim(7, b), 7);
  assert.equal(evaluateDim("other", b), undefined);
  assert.equal(evaluateDim(null, b), undefined);
});
