import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { sourceElementTypes } from "./source-types.js";

test("element types follow through ops when no value_info is present", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [2, 4]);
  const ids = b.input("ids", DataType.INT64, [2]);
  const shape = b.op("Shape", [x]);
  const asFloat = b.op("Cast", [shape], { to: DataType.FLOAT });
  const cond = b.op("Greater", [x, b.constant([0])]);
  const picked = b.op("Where", [cond, x, b.op("Neg", [x])]);
  const [ln, mean] = b.opN("LayerNormalization", [picked, b.constant([1, 1, 1, 1])], {}, 3);
  const gathered = b.op("Gather", [ln!, ids]);
  const [drop, mask] = b.opN("Dropout", [gathered], {}, 2);
  const types = sourceElementTypes(model.graph);
  assert.equal(types.get(shape), DataType.INT64);
  assert.equal(types.get(asFloat), DataType.FLOAT);
  assert.equal(types.get(cond), DataType.BOOL);
  assert.equal(types.get(picked), DataType.FLOAT);
  assert.equal(types.get(mean!), DataType.FLOAT);
  assert.equal(types.get(drop!), DataType.FLOAT);
  assert.equal(types.get(mask!), DataType.BOOL);
});

test("declared types win over propagation", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT16, [2]);
  const y = b.op("Relu", [x]);
  const z = b.op("Custom", [y], {}, { domain: "com.example" });
  z.type = { kind: "tensor", dtype: DataType.INT32 };
  const types = sourceElementTypes(model.graph);
  assert.equal(types.get(y), DataType.FLOAT16);
  assert.equal(types.get(z), DataType.INT32);
});
