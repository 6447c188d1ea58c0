import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { buildZooModel } from "../../zoo/index.js";
import { loadModel } from "../../ir/serde/load.js";
import { createModel } from "../../ir/builder.js";
import { DataType } from "../../ir/dtype.js";
import type { Model } from "../../ir/model.js";
import { runPasses, sequential } from "../pass.js";
import { foldConstants } from "../fold-constants.js";
import { planInputs, randomFeeds } from "../../evaluate/random-inputs.js";
import { fuse, fusionRules, type FuseOptions } from "./fuse.js";
import { formatRuleReports, type RuleReport } from "./rule.js";
import { compareOutputs, copyModel, opCounts, runAsWritten, seededFloats } from "./test-support.js";

const SHARED_MODELS = join(process.cwd(), "..", "shared", "models");
const realModels = existsSync(SHARED_MODELS) ? readdirSync(SHARED_MODELS).filter((f) => f.endsWith(".onnx")).sort() : [];
const TOLERANCE = 1e-4; // max |fused − unfused| relative to the largest |unfused| output

interface Outcome {
  fused: Model;
  reports: RuleReport[];
  relative: number;
  maxAbs: number;
}

/** Fuses a copy of `model` and compares both in ONNX Runtime (no ORT fusions) on seeded inputs. */
async function fuseAndCompare(model: Model, options: Omit<FuseOptions, "onReport"> = {}, dims: Record<string, number> = {}): Promise<Outcome> {
  const fused = copyModel(model);
  const reports: RuleReport[] = [];
  await runPasses(fused, fuse({ ...options, onReport: (r) => reports.push(...r) }));
  // Bind only the symbolic dims this model has (fixed-batch exports have none).
  const symbolic = new Set(model.graph.inputs.flatMap((v) => v.shape ?? []).filter((d) => typeof d === "string"));
  const bound = Object.fromEntries(Object.entries(dims).filter(([k]) => symbolic.has(k)));
  const feeds = randomFeeds(model, planInputs(model, bound).inputs, 7);
  const d = compareOutputs(await runAsWritten(model, feeds), await runAsWritten(fused, feeds));
  return { fused, reports, relative: d.relative, maxAbs: d.maxAbs };
}

const applied = (reports: RuleReport[], rule: string): number => reports.filter((r) => r.rule === rule).reduce((a, r) => a + r.applied, 0);

test("resnet-tiny: every BatchNormalization folds; with activations Conv+Relu become FusedConv; outputs unchanged", async (t) => {
  const model = buildZooModel("resnet-tiny");
  const bns = opCounts(model).BatchNormalization!;
  const plain = await fuseAndCompare(model, {}, { batch: 2 });
  assert.equal(opCounts(plain.fused).BatchNormalization, undefined);
  assert.equal(applied(plain.reports, "conv-bn-fold"), bns);
  assert.ok(plain.relative <= TOLERANCE, `relative ${plain.relative}`);
  const act = await fuseAndCompare(model, { activations: true }, { batch: 2 });
  // Stem and each block's first conv feed a Relu directly; the other Relus follow a residual Add.
  assert.equal(opCounts(act.fused).FusedConv, 5);
  assert.ok(act.relative <= TOLERANCE, `relative ${act.relative}`);
  t.diagnostic(`resnet-tiny: ${bns} BN folded, rel diff ${plain.relative.toExponential(2)}; with FusedConv ${act.relative.toExponential(2)}`);
});

test("resnet18: all 20 BatchNormalization fold, no BatchNormalization left, outputs unchanged", async (t) => {
  const model = buildZooModel("resnet18");
  assert.equal(opCounts(model).BatchNormalization, 20);
  const { fused, reports, relative, maxAbs } = await fuseAndCompare(model, { activations: true }, { batch: 1 });
  const ops = opCounts(fused);
  assert.equal(ops.BatchNormalization, undefined);
  assert.equal(applied(reports, "conv-bn-fold"), 20);
  assert.equal((ops.Conv ?? 0) + (ops.FusedConv ?? 0), 20);
  assert.equal(ops.FusedConv, 9);
  assert.equal(fused.graph.outputs[0]!.name, "logits");
  assert.ok(relative <= TOLERANCE, `relative ${relative}`);
  t.diagnostic(`resnet18: 20 BN folded, 9 FusedConv; max abs diff ${maxAbs.toExponential(2)}, relative ${relative.toExponential(2)}`);
});

test("bert-tiny: 3-D MatMul+Add stay (reason reported) and outputs are unchanged", async () => {
  const model = buildZooModel("bert-tiny");
  const { fused, reports, relative } = await fuseAndCompare(model, {}, { batch: 2, sequence: 8 });
  assert.equal(opCounts(fused).MatMul, opCounts(model).MatMul);
  const skipped = reports.find((r) => r.rule === "matmul-add-to-gemm")!.skipped;
  assert.ok(skipped.length > 0 && skipped.every((s) => /rank/.test(s.reason)), formatRuleReports(reports).join("\n"));
  assert.ok(relative <= TOLERANCE);
});

test("a MatMul+Add MLP becomes Gemm (and FusedGemm with activations); outputs unchanged", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  let h = b.input("x", DataType.FLOAT, ["batch", 16]);
  for (const [i, [k, n]] of [[16, 32], [32, 32], [32, 10]].entries()) {
    const mm = b.op("MatMul", [h, b.constant(seededFloats(k * n, i + 1), [k, n], DataType.FLOAT, `fc${i}.weight`)]);
    h = b.op("Add", [mm, b.constant(seededFloats(n, i + 10), [n], DataType.FLOAT, `fc${i}.bias`)]);
    h.type = { kind: "tensor", dtype: DataType.FLOAT, shape: ["batch", n] };
    if (i < 2) {
      h = b.op("Relu", [h]);
      h.type = { kind: "tensor", dtype: DataType.FLOAT, shape: ["batch", n] };
    }
  }
  b.output(h, "logits");
  const plain = await fuseAndCompare(model, {}, { batch: 4 });
  assert.deepEqual(opCounts(plain.fused), { Gemm: 3, Relu: 2 });
  assert.ok(plain.relative <= TOLERANCE);
  const act = await fuseAndCompare(model, { activations: true }, { batch: 4 });
  assert.deepEqual(opCounts(act.fused), { FusedGemm: 2, Gemm: 1 });
  assert.ok(act.relative <= TOLERANCE);
});

test("real models in ../shared/models fuse without changing their outputs", { skip: realModels.length ? false : `no models at ${SHARED_MODELS}` }, async (t) => {
  for (const file of realModels) {
    const model = loadModel(join(SHARED_MODELS, file));
    for (const activations of [false, true]) {
      const { fused, reports, relative, maxAbs } = await fuseAndCompare(model, { activations }, { batch_size: 3 });
      assert.ok(relative <= TOLERANCE, `${file}: relative ${relative}`);
      assert.deepEqual(fused.graph.outputs.map((v) => v.name), model.graph.outputs.map((v) => v.name), file);
      const ops = opCounts(fused);
      t.diagnostic(`${file} (activations: ${activations}): ${JSON.stringify(ops)}; max abs ${maxAbs.toExponential(2)}, relative ${relative.toExponential(2)}`);
      if (activations) {
        // Every Relu follows a biased Conv or Gemm once mnist-12's bias Adds are folded into its Convs.
        assert.equal(ops.Relu ?? 0, 0, `${file}: ${formatRuleReports(reports).join("; ")}`);
      }
    }
  }
});

test("mnist-12: its MatMul weight is a Reshape of an initializer; after fold-constants the MatMul+Add head becomes a Gemm", { skip: realModels.includes("mnist-12.onnx") ? false : "mnist-12.onnx is not in ../shared/models" }, async () => {
  const model = loadModel(join(SHARED_MODELS, "mnist-12.onnx"));
  const reports: RuleReport[] = [];
  const fused = copyModel(model);
  await runPasses(fused, fuse({ onReport: (r) => reports.push(...r) }));
  const skip = reports.find((r) => r.rule === "matmul-add-to-gemm")!.skipped;
  assert.deepEqual(skip.map((s) => s.reason), ['MatMul weight (input B) "Parameter193_reshape1" is not a constant initializer']);

  const folded = copyModel(model);
  await runPasses(folded, sequential("prep+fuse", [foldConstants(), fuse()]));
  assert.equal(opCounts(folded).Gemm, 1);
  assert.equal(opCounts(folded).MatMul, undefined);
  const feeds = randomFeeds(model, planInputs(model).inputs, 3);
  assert.ok(compareOutputs(await runAsWritten(model, feeds), await runAsWritten(folded, feeds)).relative <= TOLERANCE);
});

test("fusionRules lists the standard-ONNX folds; activations add the ORT-only rule", () => {
  assert.deepEqual(fusionRules().map((r) => r.name), ["remove-identity", "conv-bn-fold", "conv-add-bias", "matmul-add-to-gemm"]);
  assert.deepEqual(fusionRules({ activations: true }).map((r) => r.name), ["remove-identity", "conv-bn-fold", "conv-add-bias", "matmul-add-to-gemm", "fuse-activations"]);
});
