import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { attr } from "../ir/attribute.js";
import { removeUnused, removeOutputs } from "./remove-unused.js";
import { runPasses } from "./pass.js";
import { parseModel } from "../ir/serde/load.js";
import { serializeModel } from "../ir/serde/save.js";
import { openSession } from "../runtime/session.js";

test("remove-unused drops dead nodes and initializers, keeps values read only inside subgraphs", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [3]);
  const cond = b.input("cond", DataType.BOOL, []);
  const dead = b.op("Relu", [b.op("Neg", [x])]);
  const unusedInit = b.constant([1, 2, 3], [3], DataType.FLOAT, "unused");
  const outer = b.op("Abs", [x]); // read only by the If branches
  const thenG = model.graph.createSubgraph("then");
  const t = thenG.addNode("Identity", [outer]).output(0);
  thenG.addOutput(t);
  const elseG = model.graph.createSubgraph("else");
  const e = elseG.addNode("Neg", [outer]).output(0);
  elseG.addOutput(e);
  const y = b.op("If", [cond], { then_branch: attr.graph(thenG), else_branch: attr.graph(elseG) });
  b.output(y, "y");
  assert.equal(dead.uses.length, 0);
  assert.equal(unusedInit.uses.length, 0);

  const { records } = await runPasses(model, removeUnused);
  assert.deepEqual(model.graph.nodes.map((n) => n.opType), ["Abs", "If"]);
  assert.equal(model.graph.initializers.size, 0);
  assert.deepEqual(records.map((r) => [r.pass, r.modified, r.nodesRemoved, r.nodesAdded]), [["remove-unused", true, 2, 0]]);

  // The subgraph survives serialization and runs.
  const again = parseModel(serializeModel(model));
  const s = await openSession(again);
  const out = await s.run({ x: { type: "float32", dims: [3], data: Float32Array.from([-1, 2, -3]) }, cond: { type: "bool", dims: [], data: Uint8Array.from([0]) } });
  assert.deepEqual([...(out.y!.data as Float32Array)], [-1, -2, -3]);
  await s.release();

  const second = await runPasses(model, removeUnused);
  assert.equal(second.modified, false);
});

test("remove-outputs drops an output and what only it needed", async () => {
  const { model, builder: b } = createModel();
  const x = b.input("x", DataType.FLOAT, [2]);
  b.output(b.op("Relu", [x]), "a");
  b.output(b.op("Sigmoid", [b.op("Neg", [x])]), "stray");
  await removeOutputs(["stray"]).run(model);
  assert.deepEqual(model.graph.outputs.map((v) => v.name), ["a"]);
  assert.deepEqual(model.graph.nodes.map((n) => n.opType), ["Relu"]);
  await assert.rejects(removeOutputs(["nope"]).run(model), /no graph output named nope/);
});
