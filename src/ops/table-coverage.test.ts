// Every per-op table names ops by opKey; these tests hold the tables to the ops registry and to
// one another, so a rule for an op quanta cannot infer, or a QOperator conversion the planner
// never prepares, fails here rather than in a user's model.

import { test } from "node:test";
import assert from "node:assert/strict";
import { lookupOp } from "./registry.js";
import { opKey, parseOpKey } from "./op-key.js";
import { QUANT_RULES } from "../quant/rules/index.js";
import { QOP_FORMS, isInt8Input } from "../quant/qdq-to-qop.js";
import { DYNAMIC_OPS } from "../quant/dynamic-config.js";
import { fp16RuleOps } from "../fp16/rules.js";
import { GRADIENT_RULES } from "../autodiff/rules/index.js";

/**
 * Ops tables name that the registry does not have yet (no shape inference for them): a ratchet.
 * Registering one of them makes its test fail until it leaves this list; a new gap fails at once.
 */
const KNOWN_GAPS = {
  fp16: [
    ...["Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh", "Cosh", "Sinh", "Tan", "Det", "MaxUnpool", "MaxRoiPool", "RoiAlign", "Scatter", "Compress"],
    ...["ReverseSequence", "Unique", "GridSample", "CenterCropPad", "NonMaxSuppression", "TfIdfVectorizer", "EyeLike", "RandomNormal", "RandomUniform"],
    ...["RandomNormalLike", "RandomUniformLike", "Bernoulli", "Multinomial", "DFT", "STFT", "com.microsoft::FusedMatMul", "com.microsoft::SkipLayerNormalization"],
  ],
  qopForms: ["com.microsoft::QGemm", "com.microsoft::QLinearAveragePool"],
};

const missing = (keys: Iterable<string>): string[] => [...keys].filter((k) => !lookupOp(parseOpKey(k).opType, parseOpKey(k).domain));

test("opKey: the default domain (also spelled ai.onnx) has bare names; others are domain::Op", () => {
  assert.equal(opKey("Conv"), "Conv");
  assert.equal(opKey("Conv", "ai.onnx"), "Conv");
  assert.equal(opKey("Gelu", "com.microsoft"), "com.microsoft::Gelu");
  assert.deepEqual(parseOpKey("com.microsoft::QGemm"), { domain: "com.microsoft", opType: "QGemm" });
  assert.deepEqual(parseOpKey("Relu"), { domain: "", opType: "Relu" });
});

test("every op a per-op table names is in the ops registry", () => {
  assert.deepEqual(missing(Object.keys(QUANT_RULES)), [], "quantization rules");
  assert.deepEqual(missing(DYNAMIC_OPS), [], "dynamic quantization ops");
  assert.deepEqual(missing(GRADIENT_RULES.keys()), [], "gradient rules");
  const targets = Object.values(QOP_FORMS).filter((f) => !isInt8Input(f));
  assert.deepEqual(missing(Object.keys(QOP_FORMS)), [], "ops QOperator conversion reads");
  assert.deepEqual(missing(targets).sort(), [...KNOWN_GAPS.qopForms].sort(), "QOperator forms it writes");
});

test("fp16 rules name no op outside the registry beyond the known gaps", () => {
  assert.deepEqual(missing(fp16RuleOps()).sort(), [...KNOWN_GAPS.fp16].sort(), "fp16 rules");
});

test("QOperator conversion and quantization rules agree", () => {
  for (const [op, form] of Object.entries(QOP_FORMS)) {
    const rule = QUANT_RULES[op];
    assert.ok(rule, `${op} converts to QOperator form but has no quantization rule: the plan never gives it Q/DQ`);
    // Data movement runs on int8 only when the output shares the input's parameters.
    if (isInt8Input(form)) assert.equal(rule.output, "input", `${op} runs on int8 input, so its rule must share input 0's parameters`);
    else assert.equal(rule.output, "own", `${op} becomes ${form}, which requantizes its output: its rule must give the output its own parameters`);
  }
});
