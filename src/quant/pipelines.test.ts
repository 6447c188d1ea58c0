import { test } from "node:test";
import assert from "node:assert/strict";
import { buildZooModel } from "../zoo/index.js";
import { randomDataset } from "../data/random-dataset.js";
import { runPasses } from "../passes/pass.js";
import { quantizeStatic } from "./static.js";
import { quantizeDynamic } from "./dynamic.js";
import { staticConfig } from "./config.js";
import { dynamicConfig } from "./dynamic-config.js";
import { staticState } from "./passes/static-state.js";
import { insertQdqPass } from "./passes/insert-qdq.js";

const PREPARE = ["topological-sort", "lift-constants", "fold-constants", "infer-shapes", "upgrade-opset", "remove-identity", "conv-bn-fold", "conv-add-bias", "matmul-add-to-gemm", "remove-unused", "infer-shapes"];

test("static report lists every step that ran, cleanup included, each with its counts and time", async () => {
  const m = buildZooModel("resnet-tiny");
  const r = await quantizeStatic(m, randomDataset(m, 4), { config: staticConfig({ format: "qop" }), calibration: { observer: "minmax", samples: 4 } });
  assert.deepEqual(
    r.passes.map((p) => p.pass),
    [...PREPARE, "plan-static", "calibrate", "insert-qdq", "remove-unused", "quantize-tables", "remove-unused", "qdq-to-qop", "remove-unused"],
  );
  const qdq = r.passes.find((p) => p.pass === "insert-qdq")!;
  assert.ok(qdq.modified && qdq.nodesAdded > 0 && qdq.ms >= 0);
  assert.equal(r.passes.find((p) => p.pass === "plan-static")!.modified, false, "planning only marks");
});

test("dynamic report lists the prepare steps and the quantizing ones", async () => {
  const m = buildZooModel("bert-tiny");
  const r = await quantizeDynamic(m, dynamicConfig({ minElements: 256 }), { prepare: true });
  assert.deepEqual(
    r.passes.map((p) => p.pass),
    [...PREPARE, "quantize-weights", "quantize-tables", "check-dynamic-opset", "layernorm-residual-sum", "remove-unused"],
  );
  assert.ok(r.matmuls > 0 && r.passes.find((p) => p.pass === "quantize-weights")!.nodesAdded > 0);
});

test("a quantization pass run before the step it needs fails by name", async () => {
  const m = buildZooModel("resnet-tiny");
  await assert.rejects(runPasses(m, insertQdqPass(staticState(staticConfig()))), /insert-qdq: no plan yet/);
});
