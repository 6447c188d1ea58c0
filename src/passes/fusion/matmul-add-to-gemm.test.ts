import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../../ir/builder.js";
import { DataType } from "../../ir/dtype.js";
import { runPasses } from "../pass.js";
import type { RuleReport } from "./rule.js";
import { matmulAddToGemm } from "./matmul-add-to-gemm.js";
import { floatInput, opCounts, runAsWritten, seededFloats } from "./test-support.js";

function mlp(hiddenShape: boolean) {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["batch", 6]);
  const w1 = seededFloats(6 * 8, 1);
  const b1 = seededFloats(8, 2);
  const w2 = seededFloats(8 * 3, 3);
  const b2 = seededFloats(3, 4);
  const h = b.op("Relu", [b.op("Add", [b.op("MatMul", [x, b.constant(w1, [6, 8], DataType.FLOAT, "fc1.weight")], {}, { name: "fc1" }), b.constant(b1, [8], DataType.FLOAT, "fc1.bias")])]);
  if (hiddenShape) h.type = { kind: "tensor", dtype: DataType.FLOAT, shape: ["batch", 8] };
  // Bias on the left and shaped [1, N]: both are valid Gemm C inputs.
  const y = b.op("Add", [b.constant(b2, [1, 3], DataType.FLOAT, "fc2.bias"), b.op("MatMul", [h, b.constant(w2, [8, 3], DataType.FLOAT, "fc2.weight")], {}, { name: "fc2" })]);
  b.output(y, "y");
  return { model, w1, b1, w2, b2 };
}

test("a 2-D MatMul + Add MLP becomes Gemms that match float64 reference math", async () => {
  const { model, w1, b1, w2, b2 } = mlp(true);
  let reports: readonly RuleReport[] = [];
  await runPasses(model, matmulAddToGemm({ onReport: (r) => (reports = r) }));
  assert.deepEqual(opCounts(model), { Gemm: 2, Relu: 1 });
  assert.deepEqual(reports, [{ rule: "matmul-add-to-gemm", applied: 2, skipped: [] }]);
  assert.deepEqual(model.graph.nodes.map((n) => n.name), ["fc1", "Relu_node", "fc2"]);
  assert.equal(model.graph.outputs[0]!.name, "y");
  assert.deepEqual(model.graph.nodes[2]!.inputs.map((v) => v!.name), ["Relu_node_out", "fc2.weight", "fc2.bias"]);

  const input = floatInput([4, 6], 5);
  const xs = input.data as Float32Array;
  const out = (await runAsWritten(model, { x: input })).y!.data as Float32Array;
  for (let m = 0; m < 4; m++) {
    const h = Array.from({ length: 8 }, (_, n) => {
      let acc = b1[n]!;
      for (let k = 0; k < 6; k++) acc += xs[m * 6 + k]! * w1[k * 8 + n]!;
      return Math.max(0, acc);
    });
    for (let n = 0; n < 3; n++) {
      let acc = b2[n]!;
      for (let k = 0; k < 8; k++) acc += h[k]! * w2[k * 3 + n]!;
      assert.ok(Math.abs(out[m * 3 + n]! - acc) < 1e-5, `[${m},${n}]`);
    }
  }
});

test("an activation of unknown rank is skipped with a reason", async () => {
  const { model } = mlp(false);
  let reports: readonly RuleReport[] = [];
  await runPasses(model, matmulAddToGemm({ onReport: (r) => (reports = r) }));
  assert.deepEqual(opCounts(model), { Gemm: 1, Relu: 1, MatMul: 1, Add: 1 });
  assert.equal(reports[0]!.applied, 1);
  assert.deepEqual(reports[0]!.skipped, [{ node: "fc2", op: "MatMul", reason: 'rank of MatMul input "Relu_node_out" is unknown (run shape inference first); Gemm needs a 2-D input' }]);
});

test("rank-3 activations (transformers), shared outputs and non-constant biases keep MatMul + Add", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const seq = b.input("seq", DataType.FLOAT, ["batch", "sequence", 4]);
  const x = b.input("x", DataType.FLOAT, [2, 4]);
  const bias = b.input("bias", DataType.FLOAT, [3]);
  const w = () => b.constant(seededFloats(12, 1), [4, 3], DataType.FLOAT, "w");
  const bc = () => b.constant([1, 2, 3], [3], DataType.FLOAT, "b");
  b.output(b.op("Add", [b.op("MatMul", [seq, w()], {}, { name: "linear3d" }), bc()]), "y1");
  const shared = b.op("MatMul", [x, w()], {}, { name: "shared" });
  b.output(b.op("Add", [shared, bc()]), "y2");
  b.output(b.op("Neg", [shared]), "y3");
  b.output(b.op("Add", [b.op("MatMul", [x, w()], {}, { name: "fed_bias" }), bias]), "y4");
  b.output(b.op("Add", [b.op("MatMul", [x, x], {}, { name: "no_weight" }), bc()]), "y5");
  b.output(b.op("Add", [b.op("MatMul", [x, w()], {}, { name: "wide_bias" }), b.constant([1, 2, 3, 4, 5, 6], [2, 3])]), "y6");
  let reports: readonly RuleReport[] = [];
  const { modified } = await runPasses(model, matmulAddToGemm({ onReport: (r) => (reports = r) }));
  assert.equal(modified, false);
  const reasons = Object.fromEntries(reports[0]!.skipped.map((s) => [s.node, s.reason]));
  assert.equal(reasons.linear3d, 'MatMul input "seq" has rank 3 ([batch,sequence,4]); Gemm takes only 2-D inputs, so MatMul+Add stays');
  assert.match(reasons.shared!, /MatMul output "shared_out" is also read by Neg/);
  assert.equal(reasons.fed_bias, 'Add bias "bias" is not a constant initializer');
  assert.equal(reasons.no_weight, 'MatMul weight (input B) "x" is not a constant initializer');
  assert.equal(reasons.wide_bias, "Add bias has shape [2,3]; only [3] or [1,3] becomes Gemm's C");
  assert.equal(opCounts(model).Gemm, undefined);
});
