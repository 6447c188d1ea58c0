import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { countInitializers } from "./count.js";

test("initializers are told apart by their state-dict names", () => {
  const { model, builder } = createModel();
  builder.constant(new Float32Array(6), [2, 3], undefined, "fc.weight");
  builder.constant(new Float32Array(2), [2], undefined, "fc.bias");
  builder.constant(new Float32Array(4), [4], undefined, "bn.running_mean");
  builder.constant(new Float32Array(4), [4], undefined, "bn.running_var");
  builder.ints([0, 0, 2, 32], "shape_split_heads");
  assert.deepEqual(countInitializers(model), { trainable: 8, buffers: 8, constants: 4, total: 20 });
});
