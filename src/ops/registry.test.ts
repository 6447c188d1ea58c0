import { test } from "node:test";
import assert from "node:assert/strict";
import { lookupOp, opsetFor, registeredOps } from "./registry.js";
import { versionAt } from "./schema.js";

// The ops quanta's passes need: each must be registered with a shape rule or a reason it has none.
const REQUIRED = `Conv ConvTranspose Gemm MatMul MatMulInteger QLinearMatMul QLinearConv ConvInteger Add Sub Mul Div
  Pow Sqrt Neg Abs Exp Log Erf Relu LeakyRelu Sigmoid Tanh Clip Gelu HardSigmoid HardSwish Softmax LogSoftmax
  LayerNormalization BatchNormalization InstanceNormalization MaxPool AveragePool GlobalAveragePool GlobalMaxPool
  Flatten Reshape Transpose Squeeze Unsqueeze Concat Split Slice Gather GatherElements Expand Tile Pad Resize Shape
  Size Cast CastLike Identity Dropout ReduceMean ReduceSum ReduceMax ReduceMin ArgMax Where Equal Less Greater Not
  And Or Range ConstantOfShape Constant QuantizeLinear DequantizeLinear DynamicQuantizeLinear Einsum TopK CumSum
  Min Max Mean Sum Reciprocal Floor Ceil Round Sign Softplus Mish If Loop`.split(/\s+/);

test("every required op is registered", () => {
  const missing = REQUIRED.filter((op) => !lookupOp(op));
  assert.deepEqual(missing, []);
});

test("every registered op has a shape rule or is explicitly runtime-only", () => {
  for (const def of registeredOps()) {
    assert.ok(def.infer || def.runtimeOnly, `${def.domain}::${def.opType} has neither a shape rule nor a runtime-only reason`);
    assert.ok(!(def.infer && def.runtimeOnly), `${def.opType} is both`);
  }
  assert.ok(lookupOp("If")?.runtimeOnly);
});

test("signatures are well formed", () => {
  const types: Record<string, (d: unknown) => boolean> = {
    int: (d) => Number.isInteger(d),
    float: (d) => typeof d === "number",
    string: (d) => typeof d === "string",
    ints: (d) => Array.isArray(d) && d.every(Number.isInteger),
    floats: (d) => Array.isArray(d),
  };
  for (const def of registeredOps()) {
    const label = `${def.domain}::${def.opType}`;
    assert.ok(def.versions.length > 0, label);
    def.versions.forEach((v, i) => {
      if (i > 0) assert.ok(v.since > def.versions[i - 1]!.since, `${label}: versions must ascend`);
      for (const args of [v.inputs, v.outputs]) {
        assert.equal(new Set(args.map((a) => a.name)).size, args.length, `${label}@${v.since}: duplicate argument name`);
        args.forEach((a, k) => assert.ok(!a.variadic || k === args.length - 1, `${label}@${v.since}: only the last argument may be variadic`));
      }
      for (const [name, spec] of Object.entries(v.attributes)) {
        if (spec.default !== undefined) assert.ok(types[spec.type]?.(spec.default), `${label}@${v.since}: default of ${name} is not a ${spec.type}`);
        assert.ok(!(spec.required && spec.default !== undefined), `${label}@${v.since}: ${name} is required and defaulted`);
      }
    });
  }
});

test("opset-dependent signatures pick the right version", () => {
  const squeeze = lookupOp("Squeeze")!;
  assert.ok("axes" in versionAt(squeeze, 11).attributes);
  assert.deepEqual(versionAt(squeeze, 13).inputs.map((a) => a.name), ["data", "axes"]);
  assert.ok("axes" in versionAt(lookupOp("ReduceMean")!, 17).attributes);
  assert.ok(versionAt(lookupOp("ReduceMean")!, 18).inputs.some((a) => a.name === "axes"));
  assert.ok(versionAt(lookupOp("ReduceSum")!, 13).inputs.some((a) => a.name === "axes"));
  assert.ok("split" in versionAt(lookupOp("Split")!, 12).attributes);
  assert.ok(versionAt(lookupOp("Split")!, 13).inputs.some((a) => a.name === "split"));
  assert.ok("min" in versionAt(lookupOp("Clip")!, 10).attributes);
  assert.equal(versionAt(lookupOp("Clip")!, 11).inputs.length, 3);
  assert.ok("starts" in versionAt(lookupOp("Slice")!, 9).attributes);
  assert.equal(versionAt(lookupOp("Slice")!, 10).inputs.length, 5);
  assert.ok("pads" in versionAt(lookupOp("Pad")!, 10).attributes);
  assert.equal(versionAt(lookupOp("Dropout")!, 12).inputs[1]?.name, "ratio");
  assert.equal(versionAt(lookupOp("Softmax")!, 12).attributes["axis"]?.default, 1);
  assert.equal(versionAt(lookupOp("Softmax")!, 13).attributes["axis"]?.default, -1);
  // Older than the oldest listed version: the oldest signature applies.
  assert.equal(versionAt(lookupOp("Resize")!, 9).since, 10);
});

test("domains and opset lookup", () => {
  assert.equal(lookupOp("QLinearAdd", "com.microsoft")?.domain, "com.microsoft");
  assert.equal(lookupOp("QLinearAdd"), undefined);
  assert.equal(lookupOp("Relu", "ai.onnx"), lookupOp("Relu"));
  const opsets = new Map([["", 13], ["com.microsoft", 1]]);
  assert.equal(opsetFor(opsets, ""), 13);
  assert.equal(opsetFor(opsets, "ai.onnx"), 13);
  assert.equal(opsetFor(opsets, "com.microsoft"), 1);
});
