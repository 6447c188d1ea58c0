import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { topologicalSort } from "./topological-sort.js";

test("topological sort orders producers first and keeps a valid order unchanged", async () => {
  const { model, builder: b } = createModel();
  const x = b.input("x", DataType.FLOAT, [2]);
  const a = b.op("Relu", [x]);
  const c = b.op("Neg", [a]);
  b.output(b.op("Add", [a, c]), "y");
  const sorted = await topologicalSort.run(model);
  assert.equal(sorted.modified, false);
  model.graph.nodes.reverse();
  const r = await topologicalSort.run(model);
  assert.equal(r.modified, true);
  assert.deepEqual(model.graph.nodes.map((n) => n.opType), ["Relu", "Neg", "Add"]);
});

test("topological sort reports a cycle", async () => {
  const { model, builder: b } = createModel();
  const x = b.input("x", DataType.FLOAT, [2]);
  const a = b.op("Relu", [x]);
  const c = b.op("Neg", [a]);
  a.producer!.setInput(0, c);
  await assert.rejects(topologicalSort.run(model), /cycle/);
});
