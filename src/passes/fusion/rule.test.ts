import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../../ir/builder.js";
import { DataType } from "../../ir/dtype.js";
import { attr } from "../../ir/attribute.js";
import { runPasses } from "../pass.js";
import { applyRules, defineRule, fail, formatRuleReports, OK, rulePass, type RuleReport } from "./rule.js";
import { matmulAddToGemmRule } from "./matmul-add-to-gemm.js";
import { removeIdentityRule } from "./remove-identity.js";
import { opCounts } from "./test-support.js";

test("rules repeat until a sweep changes nothing; reasons come from that last sweep only", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [2, 4]);
  const m = b.op("MatMul", [x, b.constant([1, 2, 3, 4, 5, 6, 7, 8], [4, 2])], {}, { name: "mm" });
  b.op("Identity", [m], {}, { name: "dangling" }); // read by nobody; blocks the Gemm until removed
  b.output(b.op("Add", [m, b.constant([1, 1], [2])]), "y");

  const reports = applyRules(model, [matmulAddToGemmRule, removeIdentityRule]);
  // Sweep 1 skips mm (its output is also read by "dangling"), then removes "dangling"; sweep 2 fuses mm.
  assert.deepEqual(reports, [
    { rule: "matmul-add-to-gemm", applied: 1, skipped: [] },
    { rule: "remove-identity", applied: 1, skipped: [] },
  ]);
  assert.deepEqual(opCounts(model), { Gemm: 1 });
});

test("rulePass records the pass, reports through onReport, and formats reasons for --verbose", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [2]);
  b.output(b.op("Identity", [x], {}, { name: "keep" }), "y");
  b.output(b.op("Neg", [b.op("Identity", [x], {}, { name: "drop" })]), "z");
  let seen: readonly RuleReport[] = [];
  const { records, modified } = await runPasses(model, rulePass("cleanup", [removeIdentityRule], { onReport: (r) => (seen = r) }));
  assert.equal(modified, true);
  assert.deepEqual(records.map((r) => [r.pass, r.nodesRemoved]), [["cleanup", 1]]);
  assert.deepEqual(formatRuleReports(seen), [
    "remove-identity: applied 1, skipped 1",
    '  Identity "keep": it connects "x" directly to graph output "y"; both names must stay',
  ]);
});

test("rules that keep rewriting forever are stopped with an error", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  b.output(b.op("Neg", [b.input("x", DataType.FLOAT, [1])]), "y");
  const flip = defineRule<number>({
    name: "flip",
    match: (node) => (node.opType === "Neg" ? 1 : null),
    check: (n) => (n === 1 ? OK : fail("never")),
    rewrite: () => model.graph.nodes[0]!.setAttribute("flag", attr.int(1)),
  });
  assert.throws(() => applyRules(model, [flip]), /flip still rewrite after 1000 sweeps/);
});
