import { test } from "node:test";
import assert from "node:assert/strict";
import { fp16RuleFor, fp16RuleOps } from "./rules.js";

// Ops every CNN or transformer export uses: each must have an explicit decision.
const COMMON = [
  "Conv", "ConvTranspose", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Clip",
  "Erf", "Gelu", "Softmax", "LogSoftmax", "LayerNormalization", "BatchNormalization", "MaxPool", "AveragePool",
  "GlobalAveragePool", "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Concat", "Split", "Slice", "Gather",
  "Shape", "Cast", "Resize", "Pow", "Sqrt", "ReduceMean", "Where", "Expand", "Pad", "Identity", "Dropout",
];

test("every common CNN/transformer op has a rule", () => {
  const missing = COMMON.filter((op) => !fp16RuleFor(op));
  assert.deepEqual(missing, [], `no fp16 rule for: ${missing.join(", ")}`);
});

test("ops without float16 in their type constraints stay float32, with a reason", () => {
  for (const op of ["Range", "NonMaxSuppression", "RandomNormal", "RandomUniformLike", "CumSum"]) {
    const r = fp16RuleFor(op);
    assert.equal(r?.precision, "float32", op);
    assert.ok(r.precision === "float32" && r.reason.length > 0);
  }
});

test("typed slots: Resize scales and roi, Upsample scales stay float32; LayerNormalization stats are float32", () => {
  assert.deepEqual(fp16RuleFor("Resize"), { precision: "float16", float32Inputs: [1, 2] });
  assert.deepEqual(fp16RuleFor("Upsample"), { precision: "float16", float32Inputs: [1] });
  const ln = fp16RuleFor("LayerNormalization");
  assert.ok(ln?.precision === "float16" && ln.float32Outputs?.join() === "1,2" && !ln.float32Inputs);
  const cast = fp16RuleFor("Cast");
  assert.ok(cast?.precision === "float16" && cast.typedByAttribute && cast.anyTypeInputs?.includes(0));
});

test("domains: ai.onnx is the default domain; other domains only where listed", () => {
  assert.equal(fp16RuleFor("Conv", "ai.onnx"), fp16RuleFor("Conv"));
  assert.equal(fp16RuleFor("Conv", "com.example"), undefined);
  assert.equal(fp16RuleFor("FusedMatMul", "com.microsoft")?.precision, "float16");
  assert.equal(fp16RuleFor("QLinearConv", "com.microsoft"), undefined);
  assert.ok(fp16RuleOps().includes("com.microsoft::Gelu"));
});
