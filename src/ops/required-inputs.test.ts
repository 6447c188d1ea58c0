import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { QuantaError } from "../errors.js";
import { buildZooModel } from "../zoo/index.js";
import { checkRequiredInputs } from "./required-inputs.js";

test("a node without an input its op always requires is named (a MatMul whose A was left empty)", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const w = b.initializer("w", Tensor.fromArray(DataType.FLOAT, [2, 2], [1, 2, 3, 4]));
  b.output(b.op("Relu", [b.op("MatMul", [null, w], {}, { name: "mm1" })]), "y");
  assert.throws(() => checkRequiredInputs(model), (e: Error) => e instanceof QuantaError && e.message === 'invalid model: MatMul node "mm1" has no input 0 (A), which MatMul requires; the model is damaged, re-export it');
});

test("inputs optional in some opset (Resize's roi and scales, Clip's bounds) and the zoo's models pass", () => {
  const { model, builder: b } = createModel({ opset: 13 });
  const x = b.input("x", DataType.FLOAT, [1, 1, 2, 2]);
  const sizes = b.initializer("sizes", Tensor.fromArray(DataType.INT64, [4], BigInt64Array.from([1n, 1n, 4n, 4n])));
  b.output(b.op("Clip", [b.op("Resize", [x, null, null, sizes])]), "y");
  checkRequiredInputs(model);
  for (const name of ["resnet-tiny", "bert-tiny"]) checkRequiredInputs(buildZooModel(name));
});
