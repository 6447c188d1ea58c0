import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { randomDataset } from "./random-dataset.js";
import { compareModels } from "../verify/compare.js";

test("a model with a fixed batch of 3 gets one-row samples whose data matches their shape (was 'offset is out of bounds')", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [3, 4]);
  const w = b.initializer("w", Tensor.fromArray(DataType.FLOAT, [4, 2], Float32Array.from({ length: 8 }, (_, i) => i / 8)));
  b.output(b.op("MatMul", [x, w]), "y");
  const ds = randomDataset(model, 5);
  const s = (await ds.get(0)).inputs.x!;
  assert.deepEqual(s.dims, [4]);
  assert.equal(s.data.length, 4);
  const r = await compareModels(model, model, ds, { samples: 5 });
  assert.equal(r.samples, 5);
});
