import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../../ir/builder.js";
import { DataType } from "../../ir/dtype.js";
import { Tensor } from "../../ir/tensor/tensor.js";
import { applyRules } from "./rule.js";
import { convAddBiasRule } from "./conv-add-bias.js";
import { openSession } from "../../runtime/session.js";

function convAdd(biasDims: number[], withBias: boolean, values = [0.5, -1.5]) {
  const { model, builder: b } = createModel({ opset: 13 });
  const x = b.input("x", DataType.FLOAT, [1, 2, 3, 3]);
  const w = b.initializer("w", Tensor.fromArray(DataType.FLOAT, [2, 2, 1, 1], [1, 2, 3, 4]));
  const inputs = [x, w, ...(withBias ? [b.constant([10, 20], [2], DataType.FLOAT, "b0")] : [])];
  const c = b.op("Conv", inputs);
  const add = b.constant(values, biasDims, DataType.FLOAT, "addend");
  b.output(b.op("Add", [c, add]), "y");
  return model;
}

test("Conv + per-channel Add folds into the Conv bias; outputs unchanged (float64 reference)", async () => {
  for (const [dims, withBias] of [[[2, 1, 1], false], [[1, 2, 1, 1], true]] as const) {
    const model = convAdd([...dims], withBias);
    const x = Float32Array.from({ length: 18 }, (_, i) => i / 7);
    const before = await (await openSession(model)).run({ x: { type: "float32", dims: [1, 2, 3, 3], data: x } });
    const [report] = applyRules(model, [convAddBiasRule]);
    assert.equal(report!.applied, 1);
    assert.deepEqual(model.graph.nodes.map((n) => n.opType), ["Conv"]);
    assert.equal(model.graph.outputs[0]!.name, "y");
    const bias = model.graph.constantValue(model.graph.nodes[0]!.input(2))!.toFloat64();
    assert.deepEqual([...bias], withBias ? [10.5, 18.5] : [0.5, -1.5]);
    const after = await (await openSession(model)).run({ x: { type: "float32", dims: [1, 2, 3, 3], data: x } });
    assert.deepEqual(after.y!.data, before.y!.data);
    // channel 0, pixel 0: 1*x[0] + 2*x[9] + bias
    const ref = 1 * (0 / 7) + 2 * (9 / 7) + bias[0]!;
    assert.ok(Math.abs((after.y!.data as Float32Array)[0]! - ref) < 1e-5);
  }
});

test("an Add that is not per channel stays, with a reason", () => {
  const model = convAdd([1, 1, 3, 1], false, [1, 2, 3]);
  const [report] = applyRules(model, [convAddBiasRule]);
  assert.equal(report!.applied, 0);
  assert.match(report!.skipped[0]!.reason, /only one float per output channel|does not broadcast per output channel/);
});
