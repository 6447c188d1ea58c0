import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { attributeOrDefault, readAxes, readIntsArgument } from "./read-argument.js";

test("axes come from the attribute before opset 13 and from a constant input after", () => {
  const { builder: b } = createModel({ opset: 11 });
  const x = b.input("x", DataType.FLOAT, [1, 3, 1]);
  const old = b.op("Squeeze", [x], { axes: [0, 2] }).producer!;
  assert.deepEqual(readAxes(old, 11), { kind: "known", values: [0, 2] });

  const axes = b.ints([0, 2], "axes");
  const now = b.op("Squeeze", [x, axes]).producer!;
  assert.deepEqual(readAxes(now, 13), { kind: "known", values: [0, 2] });
  const none = b.op("Squeeze", [x]).producer!;
  assert.deepEqual(readAxes(none, 13), { kind: "absent" });
  const dyn = b.input("dyn", DataType.INT64, [2]);
  const dynamic = b.op("Squeeze", [x, dyn]).producer!;
  assert.equal(readAxes(dynamic, 13).kind, "unknown");
});

test("a Constant node feeding the argument counts as constant", () => {
  const { builder: b } = createModel({ opset: 18 });
  const x = b.input("x", DataType.FLOAT, [2, 3]);
  const axes = b.op("Constant", [], { value_ints: [1] });
  const n = b.op("ReduceMean", [x, axes]).producer!;
  assert.deepEqual(readAxes(n, 18), { kind: "known", values: [1] });
  const split = b.op("Split", [x], { split: [1, 1] }).producer!;
  assert.deepEqual(readIntsArgument(split, "split", 11), { kind: "known", values: [1, 1] });
});

test("attributes fall back to the ONNX default for the node's opset", () => {
  const { builder: b } = createModel({ opset: 13 });
  const x = b.input("x", DataType.FLOAT, [2, 3]);
  const g = b.op("Gemm", [x, x], { transB: 1 }).producer!;
  assert.equal(attributeOrDefault(g, "transB", 13), 1);
  assert.equal(attributeOrDefault(g, "alpha", 13), 1);
  const s = b.op("Softmax", [x]).producer!;
  assert.equal(attributeOrDefault(s, "axis", 11), 1);
  assert.equal(attributeOrDefault(s, "axis", 13), -1);
  assert.throws(() => attributeOrDefault(s, "nope", 13), /no attribute/);
});
