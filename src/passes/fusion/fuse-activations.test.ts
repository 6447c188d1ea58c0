import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../../ir/builder.js";
import { DataType } from "../../ir/dtype.js";
import type { Value } from "../../ir/value.js";
import type { AttrInput } from "../../ir/attribute.js";
import { applyRules } from "./rule.js";
import { fuseActivationsRule, MS_DOMAIN } from "./fuse-activations.js";
import { compareOutputs, copyModel, floatInput, opCounts, runAsWritten, seededFloats } from "./test-support.js";
import { openSession } from "../../runtime/session.js";

test("Conv/Gemm + activation become com.microsoft FusedConv/FusedGemm that run in ORT and equal the unfused graph", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["batch", 2, 5, 5]);
  const v = b.input("v", DataType.FLOAT, ["batch", 4]);
  const conv = (name: string): Value =>
    b.op("Conv", [x, b.constant(seededFloats(3 * 2 * 9, name.length), [3, 2, 3, 3], DataType.FLOAT, `${name}.weight`), b.constant([0.1, -0.1, 0.2], [3], DataType.FLOAT, `${name}.bias`)], { pads: [1, 1, 1, 1] }, { name });
  const gemm = (name: string): Value =>
    b.op("Gemm", [v, b.constant(seededFloats(12, name.length + 7), [3, 4], DataType.FLOAT, `${name}.weight`), b.constant([0.3, 0, -0.3], [3], DataType.FLOAT, `${name}.bias`)], { transB: 1 }, { name });
  const act = (op: string, input: Value, attrs: Record<string, AttrInput> = {}, extra: Value[] = []): Value => b.op(op, [input, ...extra], attrs);
  const outs = [
    act("Relu", conv("c_relu")),
    act("LeakyRelu", conv("c_leaky"), { alpha: 0.2 }),
    act("Clip", conv("c_clip"), {}, [b.constant([-0.5], [], DataType.FLOAT, "lo"), b.constant([0.5], [], DataType.FLOAT, "hi")]),
    act("Sigmoid", conv("c_sigmoid")),
    act("Tanh", conv("c_tanh")),
    act("HardSigmoid", conv("c_hard"), { alpha: 0.3, beta: 0.4 }),
    act("Relu", gemm("g_relu")),
    act("LeakyRelu", gemm("g_leaky")), // default alpha 0.01 must be written: FusedGemm requires it
    act("Tanh", gemm("g_tanh")),
    act("HardSigmoid", gemm("g_hard"), { alpha: 0.25 }),
  ];
  outs.forEach((o, i) => b.output(o, `y${i}`));
  const before = copyModel(model);

  const [r] = applyRules(model, [fuseActivationsRule]);
  assert.equal(r!.applied, 10, JSON.stringify(r!.skipped));
  assert.deepEqual(opCounts(model), { FusedConv: 6, FusedGemm: 4 });
  assert.equal(model.opsets.get(MS_DOMAIN), 1);
  assert.ok(model.graph.nodes.every((n) => n.domain === MS_DOMAIN));
  assert.deepEqual(model.graph.outputs.map((o) => o.name), outs.map((_, i) => `y${i}`));
  assert.ok(!model.graph.initializers.has("lo") && !model.graph.initializers.has("hi"), "Clip bounds are dropped");
  const attrs = (name: string) => Object.fromEntries([...model.graph.findNode(name)!.attributes].filter(([k]) => k.startsWith("activation")).map(([k, a]) => [k, a.value]));
  assert.deepEqual(attrs("c_relu"), { activation: "Relu" });
  assert.deepEqual(attrs("c_leaky"), { activation: "LeakyRelu", activation_params: [0.2] });
  assert.deepEqual(attrs("c_clip"), { activation: "Clip", activation_params: [-0.5, 0.5] });
  assert.deepEqual(attrs("c_hard"), { activation: "HardSigmoid", activation_params: [0.3, 0.4] });
  assert.deepEqual(attrs("g_leaky"), { activation: "LeakyRelu", activation_alpha: 0.01 });
  assert.deepEqual(attrs("g_hard"), { activation: "HardSigmoid", activation_alpha: 0.25, activation_beta: 0.5 });

  const feeds = { x: floatInput([2, 2, 5, 5], 3), v: floatInput([2, 4], 4) };
  const ref = await runAsWritten(before, feeds);
  const d = compareOutputs(ref, await runAsWritten(model, feeds));
  assert.ok(d.relative <= 1e-5, `relative difference ${d.relative}`);
  // ORT's own optimizer accepts the fused nodes too.
  const s = await openSession(model, { optimizationLevel: "all" });
  assert.ok(compareOutputs(ref, await s.run(feeds)).relative <= 1e-5);
  await s.release();
});

test("opset-10 Clip reads its bounds from attributes (missing ones are ±FLT_MAX)", async () => {
  const { model, builder: b } = createModel({ opset: 10 });
  const x = b.input("x", DataType.FLOAT, [1, 1, 4, 4]);
  const c = b.op("Conv", [x, b.constant(seededFloats(4, 2), [1, 1, 2, 2])], {}, { name: "c" });
  b.output(b.op("Clip", [c], { min: 0 }), "y");
  const before = copyModel(model);
  assert.equal(applyRules(model, [fuseActivationsRule])[0]!.applied, 1);
  assert.deepEqual(model.graph.nodes[0]!.getFloats("activation_params"), [0, 3.4028234663852886e38]);
  const feeds = { x: floatInput([1, 1, 4, 4], 8) };
  assert.equal(compareOutputs(await runAsWritten(before, feeds), await runAsWritten(model, feeds)).maxAbs, 0);
});

test("activations that stay are reported with reasons", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [1, 2, 4, 4]);
  const v = b.input("v", DataType.FLOAT, [2, 4]);
  const hi = b.input("hi", DataType.FLOAT, []);
  const w = () => b.constant(seededFloats(4, 1), [2, 2, 1, 1]);
  const shared = b.op("Conv", [x, w()], {}, { name: "shared" });
  b.output(b.op("Relu", [shared], {}, { name: "relu_shared" }), "y1");
  b.output(shared, "y2");
  b.output(b.op("Clip", [b.op("Conv", [x, w()]), b.constant([0], []), hi], {}, { name: "clip_fed" }), "y3");
  const gw = b.constant(seededFloats(8, 2), [4, 2]);
  b.output(b.op("Clip", [b.op("Gemm", [v, gw, b.constant([0, 0], [2])])], {}, { name: "gemm_clip" }), "y4");
  b.output(b.op("Relu", [b.op("Gemm", [v, gw])], {}, { name: "gemm_no_c" }), "y5");
  const xd = b.input("xd", DataType.DOUBLE, [1, 2, 4, 4]);
  const cd = b.op("Conv", [xd, b.constant([1, 0, 0, 1], [2, 2, 1, 1], DataType.DOUBLE)]);
  cd.type = { kind: "tensor", dtype: DataType.DOUBLE, shape: [1, 2, 4, 4] };
  b.output(b.op("Relu", [cd], {}, { name: "relu_double" }), "y6");

  const [r] = applyRules(model, [fuseActivationsRule]);
  assert.equal(r!.applied, 0);
  assert.equal(model.opsets.has(MS_DOMAIN), false, "no com.microsoft import when nothing was fused");
  const reasons = Object.fromEntries(r!.skipped.map((s) => [s.node, s.reason]));
  assert.deepEqual(reasons, {
    relu_shared: 'Conv output "y2" is also a graph output',
    clip_fed: 'Clip max "hi" is not a constant initializer',
    gemm_clip: "FusedGemm has no Clip activation",
    gemm_no_c: "FusedGemm requires the bias input C; this Gemm has none",
    relu_double: "FusedConv runs float32 only; this Conv is double",
  });
});
