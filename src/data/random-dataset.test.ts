import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { randomDataset } from "./random-dataset.js";
import { compareModels } from "../verify/compare.js";

test("a fixed leading dim is the batch: each random sample is one row of it", async () => {
  const { model, builder: b } = createModel({ opset: 13 });
  b.output(b.op("Abs", [b.input("x", DataType.FLOAT, [3, 4, 5])]), "y");
  const ds = randomDataset(model, 4);
  const s = await ds.get(0);
  assert.deepEqual(s.inputs.x!.dims, [4, 5]);
  assert.equal(s.inputs.x!.data.length, 20, "data matches the sample's dims");
  // Stacked back into batches of 3 rows, the model runs on them (was: RangeError while stacking).
  const r = await compareModels(model, model, ds, { samples: 4 });
  assert.equal(r.samples, 4);
  assert.equal(r.sqnrDb, Infinity);
});
