// Small models and data for the training tests: quick to build, quick to run, and learnable in
// a few steps, so a test can tell a working training loop from a broken one.

import { createModel } from "../../ir/builder.js";
import type { Model } from "../../ir/model.js";
import { DataType } from "../../ir/dtype.js";
import { Tensor } from "../../ir/tensor/tensor.js";
import { Rng } from "../../zoo/prng.js";
import { memoryDataset } from "../../data/memory-dataset.js";
import type { Dataset, Sample } from "../../data/dataset.js";

export const FEATURES = 6;
export const CLASSES = 3;

/** x [batch, 6] -> Gemm -> BatchNormalization -> Relu -> Gemm -> logits [batch, 3]. */
export function tinyMlp(seed = 1, hidden = 16): Model {
  const rng = new Rng(seed);
  const uniform = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
  const { model, builder: b } = createModel({ opset: 17, name: "tiny-mlp" });
  const x = b.input("x", DataType.FLOAT, ["batch", FEATURES]);
  const t = (name: string, dims: number[], data: Float32Array) => b.initializer(name, Tensor.fromArray(DataType.FLOAT, dims, data));
  const w1 = t("fc1.weight", [hidden, FEATURES], uniform(hidden * FEATURES, 0.5));
  const b1 = t("fc1.bias", [hidden], new Float32Array(hidden));
  const bn = [t("bn.weight", [hidden], new Float32Array(hidden).fill(1)), t("bn.bias", [hidden], new Float32Array(hidden)), t("bn.running_mean", [hidden], new Float32Array(hidden)), t("bn.running_var", [hidden], new Float32Array(hidden).fill(1))];
  const w2 = t("fc2.weight", [CLASSES, hidden], uniform(hidden * CLASSES, 0.3));
  const b2 = t("fc2.bias", [CLASSES], new Float32Array(CLASSES));
  const h = b.op("Relu", [b.op("BatchNormalization", [b.op("Gemm", [x, w1, b1], { transB: 1 }), ...bn], { epsilon: 1e-5, momentum: 0.9 })]);
  const logits = b.op("Gemm", [h, w2, b2], { transB: 1 });
  logits.type = { kind: "tensor", dtype: DataType.FLOAT, shape: ["batch", CLASSES] };
  b.output(logits, "logits");
  return model;
}

/** Three noisy clusters: the class decides which features are high. */
export function clusterSamples(n: number, seed = 7): Sample[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const c = i % CLASSES;
    const x = Float32Array.from({ length: FEATURES }, (_, k) => (k % CLASSES === c ? 1 : -0.5) + (rng.next() - 0.5) * 0.8);
    return { inputs: { x: { type: "float32", dims: [FEATURES], data: x } }, label: c };
  });
}

export function clusterDataset(n: number, seed = 7): Dataset {
  return memoryDataset(clusterSamples(n, seed), { description: `${n} cluster samples` });
}
