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
