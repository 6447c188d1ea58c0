import { test } from "node:test";
import assert from "node:assert/strict";
import { Graph } from "../ir/graph.js";
import { DataType } from "../ir/dtype.js";
import { Emitter } from "./emitter.js";

function axesForm(opset: number, emit: (b: Emitter, x: ReturnType<Graph["addInput"]>) => void): string {
  const g = new Graph();
  const x = g.addInput("x", { kind: "tensor", dtype: DataType.FLOAT, shape: [2, 3] });
  emit(new Emitter(g, opset), x);
  const n = g.nodes.at(-1)!;
  return n.getAttribute("axes") ? "attribute" : n.inputs.length > 1 ? "input" : "none";
}

test("axes go where the opset wants them", () => {
  assert.equal(axesForm(12, (b, x) => b.reduceSum(x, [1], true)), "attribute");
  assert.equal(axesForm(13, (b, x) => b.reduceSum(x, [1], true)), "input");
  assert.equal(axesForm(17, (b, x) => b.reduce("ReduceMean", x, [1], true)), "attribute");
  assert.equal(axesForm(18, (b, x) => b.reduce("ReduceMean", x, [1], true)), "input");
  assert.equal(axesForm(12, (b, x) => b.unsqueeze(x, [0])), "attribute");
  assert.equal(axesForm(13, (b, x) => b.squeeze(x, [0])), "input");
});

test("constants are shared and shape vectors fold when static", () => {
  const g = new Graph();
  const b = new Emitter(g, 17);
  assert.equal(b.scalar(1, DataType.FLOAT), b.scalar(1, DataType.FLOAT));
  assert.notEqual(b.scalar(1, DataType.FLOAT), b.scalar(1, DataType.DOUBLE));
  const x = g.addInput("x", { kind: "tensor", dtype: DataType.FLOAT, shape: ["n", 3, 4] });
  assert.deepEqual(b.dimsOf(x, 1), [3, 4]);
  assert.equal(b.shapeOf(x), b.shapeOf(x));
  assert.ok(!Array.isArray(b.dimsOf(x, 0, 2)));
  assert.deepEqual(b.concatShape([[1], [2, 3]]), [1, 2, 3]);
});
