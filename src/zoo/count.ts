// Counts a model's initializer elements the way PyTorch reports a model's size: trainable
// parameters, buffers (BatchNorm running statistics) and the graph's own small constants
// (shapes, axes, scalars), told apart by the zoo's state-dict naming.

import type { Model } from "../ir/model.js";

export interface InitializerCount {
  trainable: number;
  buffers: number;
  /** Elements of structural constants: Reshape shapes, axes, scalars. */
  constants: number;
  /** Every initializer element. */
  total: number;
}

const BUFFER = /\.(running_mean|running_var)$/;
const PARAMETER = /\.(weight|bias)$/;

export function countInitializers(model: Model): InitializerCount {
  const c: InitializerCount = { trainable: 0, buffers: 0, constants: 0, total: 0 };
  for (const v of model.graph.initializers.values()) {
    const n = v.initializer!.size;
    if (BUFFER.test(v.name)) c.buffers += n;
    else if (PARAMETER.test(v.name)) c.trainable += n;
    else c.constants += n;
    c.total += n;
  }
  return c;
}
