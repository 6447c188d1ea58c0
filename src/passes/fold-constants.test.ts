import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { attr } from "../ir/attribute.js";
import { foldConstants } from "./fold-constants.js";
import { liftConstants } from "./lift-constants.js";
import { runPasses, sequential } from "./pass.js";
import { openSession } from "../runtime/session.js";

test("constant subgraphs fold to initializers computed by ONNX Runtime; outputs unchanged", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [2, 3]);
  const w = b.constant([1, 2, 3, 4, 5, 6], [3, 2], DataType.FLOAT, "w");
  const scale = model.graph.addNode("Constant", [], { value: attr.tensor(Tensor.fromArray(DataType.FLOAT, [], [0.5])) }).output(0);
  const wt = b.op("Transpose", [b.op("Mul", [w, scale])], { perm: [1, 0] }); // foldable: [2,3]
  const shape = b.ints([3, 2], "shape");
  const w2 = b.op("Reshape", [wt, shape]);
  const y = b.op("MatMul", [x, w2]);
  b.output(y, "y");
  const feeds = { x: { type: "float32" as const, dims: [2, 3], data: Float32Array.from([1, 0, -1, 2, 3, 4]) } };
  const before = await (await openSession(model)).run(feeds);

  const { records } = await runPasses(model, sequential("prep", [liftConstants, foldConstants()]));
  assert.deepEqual(model.graph.nodes.map((n) => n.opType), ["MatMul"]);
  const folded = model.graph.constantValue(model.graph.nodes[0]!.input(1))!;
  // float64 reference: transpose(w * 0.5) reshaped to [3,2]
  const wv = [1, 2, 3, 4, 5, 6];
  const t = [0, 2, 4, 1, 3, 5].map((i) => wv[i]! * 0.5);
  assert.deepEqual([...folded.toFloat32()], t);
  assert.deepEqual(folded.dims, [3, 2]);
  const after = await (await openSession(model)).run(feeds);
  assert.deepEqual(after.y!.data, before.y!.data);
  assert.deepEqual(records.map((r) => r.pass), ["lift-constants", "fold-constants"]);
  assert.equal(records[1]!.nodesRemoved, 3);
});

test("DequantizeLinear of constant weights is never folded (it is what quantization produces)", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [1, 2]);
  const q = b.constant([10, -20], [2, 1], DataType.INT8, "wq");
  const sc = b.constant([0.1], [], DataType.FLOAT, "s");
  const w = b.op("DequantizeLinear", [q, sc]);
  b.output(b.op("MatMul", [x, w]), "y");
  const r = await foldConstants().run(model);
  assert.equal(r.modified, false);
  assert.deepEqual(model.graph.nodes.map((n) => n.opType), ["DequantizeLinear", "MatMul"]);
});
