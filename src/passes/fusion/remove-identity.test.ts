import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../../ir/builder.js";
import { DataType } from "../../ir/dtype.js";
import { applyRules } from "./rule.js";
import { removeIdentityRule } from "./remove-identity.js";
import { compareOutputs, copyModel, floatInput, opCounts, runAsWritten } from "./test-support.js";

test("Identity and inference Dropout disappear; graph output names stay", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [2, 3]);
  const a = b.op("Identity", [x]);
  const d = b.op("Dropout", [b.op("Relu", [a], {}, { name: "relu" }), b.constant([0.5], [], DataType.FLOAT, "ratio"), b.constant([0], [], DataType.BOOL, "train")]);
  b.output(b.op("Identity", [b.op("Neg", [d], {}, { name: "neg" })]), "y");
  const before = copyModel(model);

  const [r] = applyRules(model, [removeIdentityRule]);
  assert.equal(r!.applied, 3);
  assert.deepEqual(opCounts(model), { Relu: 1, Neg: 1 });
  assert.equal(model.graph.outputs[0]!.name, "y");
  assert.equal(model.graph.findNode("neg")!.output(0).name, "y");
  assert.equal(model.graph.findNode("relu")!.input(0), x);
  assert.equal(model.graph.initializers.size, 0, "Dropout's ratio and training_mode are dropped");
  const feeds = { x: floatInput([2, 3], 1) };
  assert.equal(compareOutputs(await runAsWritten(before, feeds), await runAsWritten(model, feeds)).maxAbs, 0);
});

test("copies that must stay are reported with reasons", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [2, 3]);
  const train = b.input("train", DataType.BOOL, []);
  b.output(b.op("Identity", [x], {}, { name: "passthrough" }), "y1");
  const [out, mask] = b.opN("Dropout", [x], {}, 2, { name: "masked" });
  b.output(out!, "y2");
  b.output(mask!, "mask");
  b.output(b.op("Dropout", [x, null, train], {}, { name: "fed" }), "y3");
  b.output(b.op("Dropout", [x, null, b.constant([1], [], DataType.BOOL)], {}, { name: "training" }), "y4");

  const [r] = applyRules(model, [removeIdentityRule]);
  assert.equal(r!.applied, 0);
  assert.deepEqual(Object.fromEntries(r!.skipped.map((s) => [s.node, s.reason])), {
    passthrough: 'it connects "x" directly to graph output "y1"; both names must stay',
    masked: 'its mask output "mask" is used',
    fed: 'its training_mode input "train" is not a constant',
    training: "it is in training mode (training_mode=true)",
  });
});
