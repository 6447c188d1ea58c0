import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel, renameValue } from "./builder.js";
import { DataType } from "./dtype.js";
import { Tensor } from "./tensor/tensor.js";
import { attr } from "./attribute.js";
import { liftConstants } from "../passes/lift-constants.js";
import { parseModel } from "./serde/load.js";
import { serializeModel } from "./serde/save.js";
import { openSession } from "../runtime/session.js";

test("producer and use lists follow rewiring; replace-all-uses covers graph outputs", () => {
  const { model, builder: b } = createModel();
  const x = b.input("x", DataType.FLOAT, [2]);
  const a = b.op("Relu", [x]);
  const c = b.op("Add", [a, a]);
  b.output(a, "a_out");
  assert.equal(a.producer!.opType, "Relu");
  assert.deepEqual(a.uses.map((u) => [u.node.opType, u.index]), [["Add", 0], ["Add", 1]]);
  const z = b.op("Neg", [x]);
  a.replaceAllUsesWith(z);
  assert.equal(a.uses.length, 0);
  assert.deepEqual(z.uses.map((u) => u.index), [0, 1]);
  assert.equal(model.graph.outputs[0], z);
  assert.equal(c.producer!.input(0), z);
});

test("the name authority never hands out a name twice, across subgraphs", () => {
  const { model, builder: b } = createModel();
  const x = b.input("x", DataType.FLOAT, [2]);
  const v1 = b.op("Relu", [x], {}, { output: "r" });
  const sub = model.graph.createSubgraph("body");
  const v2 = sub.createValue("r");
  assert.equal(v1.name, "r");
  assert.notEqual(v2.name, "r");
  assert.throws(() => renameValue(v2, "x"), /already used/);
  const names = new Set<string>();
  for (let i = 0; i < 100; i++) names.add(model.graph.names.fresh("t"));
  assert.equal(names.size, 100);
});

test("weights stored as Constant nodes are usable like initializers", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [1, 2]);
  const wT = Tensor.fromArray(DataType.FLOAT, [2, 2], [1, 2, 3, 4]);
  const w = model.graph.addNode("Constant", [], { value: attr.tensor(wT) }).output(0);
  const k = model.graph.addNode("Constant", [], { value_floats: attr.floats([0.5, 2]) }).output(0);
  b.output(b.op("Mul", [b.op("MatMul", [x, w]), k]), "y");
  // Seen through constantValue before any pass...
  assert.deepEqual([...model.graph.constantValue(w)!.toFloat32()], [1, 2, 3, 4]);
  assert.deepEqual([...model.graph.constantValue(k)!.toFloat32()], [0.5, 2]);
  const feeds = { x: { type: "float32" as const, dims: [1, 2], data: Float32Array.from([1, -1]) } };
  const before = (await (await openSession(model)).run(feeds)).y!.data;
  // ...and as real initializers after lift-constants, surviving a save/load.
  await liftConstants.run(model);
  const again = parseModel(serializeModel(model));
  assert.deepEqual(again.graph.nodes.map((n) => n.opType), ["MatMul", "Mul"]);
  assert.equal(again.graph.initializers.size, 2);
  assert.ok(again.graph.initializers.get(w.name)?.initializer);
  assert.deepEqual((await (await openSession(again)).run(feeds)).y!.data, before);
  assert.deepEqual([...(before as Float32Array)], [-1, -4]);
});
