// Small models built in code for the end-to-end tests, each with one property real exports have
// that broke a default path: weights inside If branches, IR-3 initializers listed as graph
// inputs, BatchNorm statistics beyond float16's range.

import { createModel } from "../src/ir/builder.js";
import { DataType } from "../src/ir/dtype.js";
import { attr } from "../src/ir/attribute.js";
import { Tensor } from "../src/ir/tensor/tensor.js";
import type { Model } from "../src/ir/model.js";
import type { Graph } from "../src/ir/graph.js";
import type { Value } from "../src/ir/value.js";

/** Deterministic values in [-scale, scale). */
export function seeded(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * scale;
  });
}

/**
 * A voice-activity-detector-like model: input [batch, 64] and a scalar int64 `sr`; an If on
 * sr == 16000 picks a branch. The then-branch holds its 64x32 weight as a Constant node, the
 * else-branch reads a 64x32 initializer of the main graph; after the If, a 32x1 MatMul (too
 * small to quantize) and a Sigmoid give a probability [batch, 1].
 */
export function ifBranchModel(): Model {
  const { model, builder: b } = createModel({ opset: 17, irVersion: 8, producer: "quanta-test" });
  const x = b.input("input", DataType.FLOAT, ["batch", 64]);
  const sr = b.input("sr", DataType.INT64, []);
  const cond = b.op("Equal", [sr, b.constant([16000], [], DataType.INT64, "sr_16k")]);
  const w8k = b.constant(seeded(64 * 32, 2, 0.2), [64, 32], DataType.FLOAT, "w_8k");
  const branch = (name: string, body: (g: Graph) => Value) => {
    const g = model.graph.createSubgraph(name);
    const out = body(g);
    out.type = { kind: "tensor", dtype: DataType.FLOAT, shape: ["batch", 32] };
    g.addOutput(out);
    return g;
  };
  const then = branch("sr_16k", (g) => {
    const w = g.addNode("Constant", [], { value: Tensor.fromArray(DataType.FLOAT, [64, 32], seeded(64 * 32, 1, 0.2)) }).output(0);
    return g.addNode("Relu", [g.addNode("MatMul", [x, w]).output(0)]).output(0);
  });
  const otherwise = branch("sr_8k", (g) => g.addNode("Tanh", [g.addNode("MatMul", [x, w8k]).output(0)]).output(0));
  const y = model.graph.addNode("If", [cond], { then_branch: attr.graph(then), else_branch: attr.graph(otherwise) }).output(0);
  y.type = { kind: "tensor", dtype: DataType.FLOAT, shape: ["batch", 32] };
  const head = b.constant(seeded(32, 15, 0.5), [32, 1], DataType.FLOAT, "head_w");
  b.output(b.op("Sigmoid", [b.op("MatMul", [y, head])]), "output");
  return model;
}

/**
 * An IR-3-era classifier (opset 8): input [1, 1, 8, 8] → Conv 16x1x3x3 → Relu → Flatten →
 * Gemm 10x1024, every weight and bias an initializer that is also listed as a graph input.
 */
export function ir3WeightInputsModel(): Model {
  const { model, builder: b } = createModel({ opset: 8, irVersion: 3, producer: "quanta-test" });
  const x = b.input("data", DataType.FLOAT, [1, 1, 8, 8]);
  const g = model.graph;
  const weight = (name: string, dims: number[], seed: number, scale: number) => {
    const v = b.constant(seeded(dims.reduce((a, d) => a * d, 1), seed, scale), dims, DataType.FLOAT, name);
    g.inputs.push(v); // IR < 4: every initializer is a graph input too
    return v;
  };
  const conv = b.op("Conv", [x, weight("conv_w", [16, 1, 3, 3], 3, 0.5), weight("conv_b", [16], 4, 0.1)], { pads: [1, 1, 1, 1] });
  const flat = b.op("Flatten", [b.op("Relu", [conv])], { axis: 1 });
  b.output(b.op("Gemm", [flat, weight("fc_w", [10, 1024], 5, 0.1), weight("fc_b", [10], 6, 0.1)], { transB: 1 }), "scores");
  return model;
}

/**
 * Conv → BatchNormalization whose running variances reach 9.8e7 (a text detector had such),
 * → Relu → GlobalAveragePool → Flatten → Gemm: input [batch, 3, 16, 16], scores [batch, 8].
 * Pre-BatchNorm activations reach ~1e4 x the input scale.
 */
export function hugeVarianceBnModel(): Model {
  const { model, builder: b } = createModel({ opset: 13, irVersion: 8, producer: "quanta-test" });
  const x = b.input("image", DataType.FLOAT, ["batch", 3, 16, 16]);
  const c = 24;
  const conv = b.op("Conv", [x, b.constant(seeded(c * 27, 7, 3000), [c, 3, 3, 3], DataType.FLOAT, "conv_w")], { pads: [1, 1, 1, 1] });
  const variance = Float32Array.from(seeded(c, 8), (v) => 9.8e7 * (0.5 + Math.abs(v) / 2));
  const bn = b.op("BatchNormalization", [
    conv,
    b.constant(Float32Array.from(seeded(c, 9), (v) => 1 + v / 2), [c], DataType.FLOAT, "bn_scale"),
    b.constant(seeded(c, 10, 0.1), [c], DataType.FLOAT, "bn_bias"),
    b.constant(seeded(c, 11, 100), [c], DataType.FLOAT, "bn_mean"),
    b.constant(variance, [c], DataType.FLOAT, "bn_var"),
  ], { epsilon: 1e-5 });
  const pooled = b.op("Flatten", [b.op("GlobalAveragePool", [b.op("Relu", [bn])])], { axis: 1 });
  b.output(b.op("Gemm", [pooled, b.constant(seeded(8 * c, 12, 1), [8, c], DataType.FLOAT, "fc_w"), b.constant(seeded(8, 13, 0.1), [8], DataType.FLOAT, "fc_b")], { transB: 1 }), "scores");
  return model;
}

/**
 * Activations beyond float16's range from in-range weights: input [batch, 256] in [0, 1) →
 * MatMul with a 256x16 weight of 800..1000 (outputs ~1.2e5) → Mul 0.001 → MatMul 16x8 →
 * scores [batch, 8].
 */
export function activationOverflowModel(): Model {
  const { model, builder: b } = createModel({ opset: 17, irVersion: 8, producer: "quanta-test" });
  const x = b.input("x", DataType.FLOAT, ["batch", 256]);
  const w = b.constant(Float32Array.from(seeded(256 * 16, 14), (v) => 900 + 100 * v), [256, 16], DataType.FLOAT, "w");
  const h = b.op("MatMul", [x, w]);
  const scaled = b.op("Mul", [h, b.constant([0.001], [], DataType.FLOAT, "k")]);
  b.output(b.op("MatMul", [scaled, b.constant(seeded(16 * 8, 16, 0.5), [16, 8], DataType.FLOAT, "w2")]), "scores");
  return model;
}
