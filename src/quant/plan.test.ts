import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { planStatic } from "./plan.js";
import { staticConfig } from "./config.js";
import { inferModelShapes } from "../passes/infer-shapes.js";

function convNet() {
  const { model, builder: b } = createModel({ opset: 13 });
  const x = b.input("x", DataType.FLOAT, [1, 2, 4, 4]);
  const w = b.initializer("w", Tensor.fromArray(DataType.FLOAT, [3, 2, 1, 1], [1, 2, 3, 4, 5, 6]));
  const bias = b.initializer("b", Tensor.fromArray(DataType.FLOAT, [3], [0, 1, 2]));
  const c = b.op("Conv", [x, w, bias], {}, { output: "c" });
  const r = b.op("Relu", [c], {}, { output: "r" });
  const p = b.op("MaxPool", [r], { kernel_shape: [2, 2], strides: [2, 2] }, { output: "p" });
  const f = b.op("Flatten", [p], {}, { output: "f" });
  const fw = b.initializer("fw", Tensor.fromArray(DataType.FLOAT, [5, 12], new Float32Array(60).fill(0.1)));
  const g = b.op("Gemm", [f, fw], { transB: 1 }, { output: "g" });
  b.output(b.op("Softmax", [g], { axis: 1 }, { output: "s" }), "probs");
  inferModelShapes(model); // the planner quantizes float tensors, so it needs their types
  return model;
}

test("the plan marks activations, weights with channel axes, int32 biases, and folds Relu", () => {
  const m = convNet();
  const plan = planStatic(m, staticConfig());
  const byName = new Map([...plan.tensors.values()].map((t) => [t.value.name, t]));
  assert.deepEqual([...byName.keys()].sort(), ["c", "f", "g", "p", "x"]);
  assert.equal(byName.get("c")!.rangeOf.name, "r", "Conv output takes the Relu output's range");
  assert.equal(byName.get("p")!.shareWith!.name, "c", "MaxPool shares its input's parameters");
  assert.equal(byName.get("f")!.shareWith!.name, "p");
  assert.deepEqual(plan.fusedActivations.map((n) => n.opType), ["Relu"]);
  const weights = new Map([...plan.weights.values()].map((w) => [w.value.name, w.axis]));
  assert.deepEqual(Object.fromEntries(weights), { w: 0, fw: 0 }); // Gemm transB=1: rows are output channels
  assert.deepEqual([...plan.biases.values()].map((b) => [b.value.name, b.activation.name, b.weight.name]), [["b", "x", "w"]]);
  assert.deepEqual(plan.skipped, [{ node: m.graph.nodes.at(-1)!.name, op: "Softmax", reason: "kept float by default (--quantize-all to try)" }]);
});

test("options: symmetric activations keep Relu; exclusions and per-tensor weights", () => {
  const sym = planStatic(convNet(), staticConfig({ symmetricActivations: true, activationType: "int8" }));
  assert.equal(sym.fusedActivations.length, 0);
  const m = convNet();
  const ex = planStatic(m, staticConfig({ exclude: ["Gemm"], perChannel: false }));
  assert.ok(ex.skipped.some((s) => s.op === "Gemm" && s.reason === "excluded"));
  assert.deepEqual([...ex.weights.values()].map((w) => [w.value.name, w.axis]), [["w", null]]);
  const all = planStatic(convNet(), staticConfig({ quantizeAll: true }));
  assert.ok(all.quantizedNodes.some((n) => n.opType === "Softmax"));
});

test("only ops touching a quantized Conv/Gemm/MatMul are quantized: a LayerNorm's '+ eps' and an attention mask stay float", () => {
  const { model, builder: b } = createModel({ opset: 13 });
  const x = b.input("x", DataType.FLOAT, [2, 4]);
  const mask = b.input("mask", DataType.FLOAT, [2, 4]);
  // x → ReduceMean → Add(eps) → Sqrt → Div → Mul(γ) → Add(β) → MatMul → Add(mask) → Softmax
  const mean = b.op("ReduceMean", [b.op("Mul", [x, x], {}, { output: "sq" })], { axes: [-1] }, { output: "var" });
  const eps = b.initializer("eps", Tensor.fromArray(DataType.FLOAT, [], [1e-12]));
  const std = b.op("Sqrt", [b.op("Add", [mean, eps], {}, { output: "var_eps" })], {}, { output: "std" });
  const norm = b.op("Div", [x, std], {}, { output: "norm" });
  const gamma = b.initializer("gamma", Tensor.fromArray(DataType.FLOAT, [4], [1, 2, 3, 4]));
  const beta = b.initializer("beta", Tensor.fromArray(DataType.FLOAT, [4], [0, 0, 1, 1]));
  const ln = b.op("Add", [b.op("Mul", [norm, gamma], {}, { output: "scaled" }), beta], {}, { output: "ln" });
  const w = b.initializer("w", Tensor.fromArray(DataType.FLOAT, [4, 4], new Float32Array(16).fill(0.5)));
  const scores = b.op("Div", [b.op("MatMul", [ln, w], {}, { output: "mm" }), b.initializer("d", Tensor.fromArray(DataType.FLOAT, [], [2]))], {}, { output: "scores" });
  const biased = b.op("Add", [scores, b.op("Mul", [mask, b.initializer("big", Tensor.fromArray(DataType.FLOAT, [], [-3.4e38]))], {}, { output: "bias" })], {}, { output: "masked" });
  b.output(b.op("Softmax", [biased], { axis: -1 }), "probs");
  inferModelShapes(model);
  const plan = planStatic(model, staticConfig());
  const quantized = plan.quantizedNodes.map((n) => n.output(0).name).sort();
  assert.deepEqual(quantized, ["ln", "mm", "scaled"], "γ and β feed the MatMul; '+ eps', x² and the mask arithmetic do not");
  const reasons = new Map(plan.skipped.map((s) => [model.graph.nodes.find((n) => n.name === s.node)!.output(0).name, s.reason]));
  for (const name of ["var_eps", "masked", "bias", "sq"]) assert.match(reasons.get(name) ?? "", /not beside a quantized Conv\/Gemm\/MatMul/, name);
  const named = planStatic(model, staticConfig({ ops: ["MatMul", "Add", "Mul"] }));
  assert.deepEqual(named.quantizedNodes.map((n) => n.output(0).name).sort(), ["bias", "ln", "masked", "mm", "scaled", "sq", "var_eps"], "ops named in --ops are quantized wherever they stand");
});
