// After a transformation, surviving tensors may still view a large buffer (the whole file a
// model was decoded from). Copying them lets that buffer be garbage-collected.

import type { Model } from "./model.js";
import { Tensor } from "./tensor/tensor.js";

/** Copies initializers that view a buffer much larger than themselves; returns how many. */
export function compactTensors(model: Model): number {
  let n = 0;
  for (const v of model.graph.initializers.values()) {
    const t = v.initializer!;
    if (t.isExternal || t.dtype === 8 /* string */) continue;
    const b = t.bytes();
    if (b.buffer.byteLength > 2 * b.byteLength + 4096) {
      v.initializer = Tensor.fromBytes(t.dtype, t.dims, new Uint8Array(b));
      n++;
    }
  }
  return n;
}
