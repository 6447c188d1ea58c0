// An ordinary inference model carrying the current training state: the user's model (BatchNorm
// still in inference mode, no training nodes) with its trainable initializers and BatchNorm
// running statistics replaced by the values the training run holds.

import type { Model } from "../ir/model.js";
import { Tensor } from "../ir/tensor/tensor.js";
import type { HostTensor } from "../runtime/host-tensor.js";
import { QuantaError } from "../errors.js";
import { cloneModel } from "../ir/serde/clone-model.js";

export function withWeights(base: Model, weights: ReadonlyMap<string, HostTensor>, keys: Iterable<string>): Model {
  const model = cloneModel(base);
  for (const key of keys) {
    const v = model.graph.initializers.get(key);
    const h = weights.get(key);
    if (!v || !h) throw new QuantaError(`cannot write "${key}" back into the model: it is not an initializer of the model`);
    v.initializer = Tensor.fromHost(h, v.initializer!.dtype);
  }
  return model;
}

/** The current values of the given initializers, as independent host tensors. */
export function readWeights(model: Model, keys: Iterable<string>): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const key of keys) {
    const t = model.graph.initializers.get(key)?.initializer;
    if (!t) throw new QuantaError(`the checkpoint model has no initializer "${key}"; was it written for another model?`);
    out.set(key, { type: "float32", dims: [...t.dims], data: Float32Array.from(t.toFloat32()) });
  }
  return out;
}
