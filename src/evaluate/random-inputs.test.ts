import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { float16BitsToFloat32 } from "../ir/tensor/float16.js";
import { planInputs, randomFeeds } from "./random-inputs.js";

test("float16 inputs get the same [0, 1) values float32 inputs get, as float16", () => {
  const make = (dtype: DataType) => {
    const { model, builder: b } = createModel({ opset: 17 });
    b.output(b.op("Relu", [b.input("x", dtype, [64])]), "y");
    return model;
  };
  const f32 = make(DataType.FLOAT);
  const f16 = make(DataType.FLOAT16);
  const a = randomFeeds(f32, planInputs(f32).inputs, 5).x!.data as Float32Array;
  const b = Array.from(randomFeeds(f16, planInputs(f16).inputs, 5).x!.data as Uint16Array, float16BitsToFloat32);
  assert.ok(b.some((v) => v > 0.5), "not tiny subnormals from raw random bits");
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= 2 ** -11, `${i}: ${a[i]} vs ${b[i]}`);
});

test("random feeds for every integer width, uint64 included (was 'Cannot convert 0 to a BigInt')", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const types = [DataType.UINT64, DataType.INT64, DataType.UINT32, DataType.INT32, DataType.UINT16, DataType.INT16, DataType.UINT8, DataType.INT8, DataType.BOOL, DataType.FLOAT16, DataType.DOUBLE];
  for (const t of types) b.output(b.op("Identity", [b.input(`in_${t}`, t, [3])]), `out_${t}`);
  const feeds = randomFeeds(model, planInputs(model).inputs);
  for (const t of types) assert.equal(feeds[`in_${t}`]!.data.length, 3, `type ${t}`);
  assert.equal(typeof feeds[`in_${DataType.UINT64}`]!.data[0], "bigint");
});

test("an input without an element type is called damaged, not 'element type undefined'", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  b.output(b.op("Identity", [b.input("x", DataType.UNDEFINED, [3])]), "y");
  assert.throws(() => randomFeeds(model, planInputs(model).inputs), { message: 'input "x" has no element type (0, UNDEFINED, in the file); the model is damaged, re-export it' });
});
