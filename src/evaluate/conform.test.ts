import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { QuantaError } from "../errors.js";
import { conform } from "./conform.js";

test("a fixed batch too large to pad to is refused before allocating (was 'Invalid typed array length')", () => {
  const { builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [2147483647, 16]);
  const batch = { type: "float32" as const, dims: [2, 16], data: new Float32Array(32) };
  assert.throws(() => conform(batch, x, 2147483647, true), (e: Error) => e instanceof QuantaError && /^input "x" has a fixed batch of 2147483647: one run of it takes 131072 MB \(limit 256 MB\)/.test(e.message));
  // An ordinary fixed batch is still padded.
  const y = b.input("y", DataType.FLOAT, [4, 16]);
  assert.deepEqual(conform(batch, y, 4, true).dims, [4, 16]);
});
