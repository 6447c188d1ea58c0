import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { memoryDataset } from "../data/memory-dataset.js";
import { calibrate } from "./calibrate.js";

test("calibration ranges equal the extremes of the activations over the whole dataset", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["batch", 3]);
  const y = b.op("Mul", [x, b.constant([2, -1, 0.5], [3])], {}, { output: "y" });
  b.output(b.op("Relu", [y]), "z");
  const rows = [
    [1, 2, 3],
    [-4, 0.5, 8],
    [0, -7, 1],
    [2.5, 1, -6],
    [0.1, 0.2, 0.3],
  ];
  const ds = memoryDataset(rows.map((r) => ({ inputs: { x: { type: "float32", dims: [3], data: Float32Array.from(r) } } })));
  const yv = rows.flatMap((r) => [r[0]! * 2, r[1]! * -1, r[2]! * 0.5]);
  for (const observer of ["minmax", "percentile", "entropy", "mse", "moving-average"] as const) {
    const r = await calibrate(model, [x, y], ds, { observer, samples: 5, batchSize: 2, symmetric: false });
    assert.equal(r.samples, 5);
    assert.equal(r.runs, 3);
    const ry = r.ranges.get(y)!;
    if (observer === "minmax") {
      assert.deepEqual(r.ranges.get(x), { min: -7, max: 8 });
      assert.deepEqual(ry, { min: Math.min(...yv), max: Math.max(...yv) });
    } else {
      assert.ok(ry.min >= Math.min(...yv) - 1e-6 && ry.max <= Math.max(...yv) + 1e-6 && ry.max > 0, `${observer}: ${JSON.stringify(ry)}`);
    }
  }
});

test("nothing to observe: no session, no samples, no error", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  // The weight is a graph input: no constant weight, nothing static quantization can plan.
  b.output(b.op("Conv", [b.input("x", DataType.FLOAT, [1, 1, 4, 4]), b.input("w", DataType.FLOAT, [1, 1, 3, 3])]), "y");
  const ds = memoryDataset([{ inputs: { x: { type: "float32", dims: [1, 4, 4], data: new Float32Array(16) } } }]);
  const r = await calibrate(model, [], ds, { observer: "minmax", symmetric: false });
  assert.equal(r.samples, 0);
  assert.equal(r.ranges.size, 0);
});

test("data the float model cannot run on is a one-line QuantaError naming the samples", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["batch", 6]);
  const shape = b.input("shape", DataType.INT64, ["batch"]);
  const y = b.op("Reshape", [x, shape]);
  b.output(b.op("Relu", [y]), "z");
  const ds = memoryDataset([
    { inputs: { x: { type: "float32", dims: [6], data: new Float32Array(6) }, shape: { type: "int64", dims: [], data: BigInt64Array.from([7n]) } } },
  ]);
  await assert.rejects(
    calibrate(model, [y], ds, { observer: "minmax", samples: 1, symmetric: false }),
    (e: Error) => e.name === "QuantaError" && /^the float model fails in ONNX Runtime on sample 0 of .*: /.test(e.message),
  );
});
