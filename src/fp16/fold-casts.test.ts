import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import type { Value } from "../ir/value.js";
import { foldCasts } from "./fold-casts.js";
import { sourceElementTypes } from "./source-types.js";

function fold(model: ReturnType<typeof createModel>["model"]): number {
  const types = sourceElementTypes(model.graph);
  return foldCasts(model.graph, (v: Value) => types.get(v));
}

test("a Cast to the type its input has is removed", () => {
  const { model, builder: b } = createModel();
  const x = b.input("x", DataType.FLOAT16, [2]);
  b.output(b.op("Relu", [b.op("Cast", [x], { to: DataType.FLOAT16 })]), "y");
  assert.equal(fold(model), 1);
  assert.deepEqual(model.graph.nodes.map((n) => n.opType), ["Relu"]);
  assert.equal(model.graph.nodes[0]!.input(0), x);
});

test("a float Cast pair returning to the source type folds to the source", () => {
  const { model, builder: b } = createModel();
  const x = b.input("x", DataType.FLOAT16, [2]);
  const up = b.op("Cast", [x], { to: DataType.FLOAT });
  b.output(b.op("Relu", [b.op("Cast", [up], { to: DataType.FLOAT16 })]), "y");
  assert.equal(fold(model), 2);
  assert.deepEqual(model.graph.nodes.map((n) => n.opType), ["Relu"]);
});

test("pairs through an integer type, casts still read elsewhere, and graph-output casts stay", () => {
  const { model, builder: b } = createModel();
  const x = b.input("x", DataType.FLOAT, [2]);
  const i = b.op("Cast", [x], { to: DataType.INT32 });
  b.output(b.op("Cast", [i], { to: DataType.FLOAT }), "rounded");
  const h = b.op("Cast", [x], { to: DataType.FLOAT16 });
  b.output(b.op("Cast", [h], { to: DataType.FLOAT }), "y");
  b.output(b.op("Relu", [h]), "z");
  assert.equal(fold(model), 0);
  const inner = b.op("Cast", [h], { to: DataType.FLOAT });
  b.output(b.op("Relu", [inner]), "w");
  assert.equal(fold(model), 1, "the non-output pair folds; the Cast to float16 stays for z and y");
  assert.equal(model.graph.outputs.find((v) => v.name === "w")!.producer!.input(0), x);
});
