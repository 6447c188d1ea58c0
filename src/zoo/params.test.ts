import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { Params } from "./params.js";
import { fill, normal } from "./init.js";

test("materialized weights are seeded initializers named as asked", () => {
  const { model, builder } = createModel();
  const p = new Params(builder, { seed: 1 });
  const w = p.add("fc.weight", [4, 3], normal(1));
  const m = p.add("bn.running_mean", [4], fill(0.25), "buffer");
  assert.equal(w.name, "fc.weight");
  assert.deepEqual(w.initializer!.dims, [4, 3]);
  assert.equal(w.initializer!.dtype, DataType.FLOAT);
  assert.deepEqual(Array.from(m.initializer!.toFloat32()), [0.25, 0.25, 0.25, 0.25]);
  assert.deepEqual(p.tally, { trainable: 12, buffers: 4 });
  assert.equal(model.graph.inputs.length, 0);

  // Values depend on seed and name only, not on creation order.
  const other = new Params(createModel().builder, { seed: 1 });
  other.add("something.else", [7], normal(1));
  assert.deepEqual(other.add("fc.weight", [4, 3], normal(1)).initializer!.toFloat32(), w.initializer!.toFloat32());
  const reseeded = new Params(createModel().builder, { seed: 2 }).add("fc.weight", [4, 3], normal(1));
  assert.notDeepEqual(reseeded.initializer!.toFloat32(), w.initializer!.toFloat32());
});

test("shapes-only weights are typed graph inputs and still counted", () => {
  const { model, builder } = createModel();
  const p = new Params(builder, { seed: 0, shapesOnly: true });
  const w = p.add("fc.weight", [1000, 512], normal(1));
  assert.equal(w.initializer, undefined);
  assert.deepEqual(w.shape, [1000, 512]);
  assert.equal(model.graph.inputs[0], w);
  assert.equal(model.graph.initializers.size, 0);
  assert.deepEqual(p.tally, { trainable: 512_000, buffers: 0 });
});
