import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { QuantaError } from "../errors.js";
import { randomDataset } from "../data/random-dataset.js";
import { compareModels } from "./compare.js";

test("models whose shared output differs in shape are refused by name (was 'cannot compare tensors of 2 and 4 elements')", async () => {
  const make = (reps: number[]) => {
    const { model, builder: b } = createModel({ opset: 17 });
    b.output(b.op("Tile", [b.input("x", DataType.FLOAT, [1, 2]), b.ints(reps, "reps")]), "y");
    return model;
  };
  const a = make([1, 1]);
  await assert.rejects(
    compareModels(a, make([1, 2]), randomDataset(a, 1), { samples: 1 }),
    (e: Error) => e instanceof QuantaError && /^output "y" has shape \[1,2\] from the reference model but \[1,4\] from the other on the same input/.test(e.message),
  );
});

test("models with no output in common are refused with their output names clipped", async () => {
  const make = (out: string) => {
    const { model, builder: b } = createModel({ opset: 17 });
    b.output(b.op("Relu", [b.input("x", DataType.FLOAT, [1, 2])]), out);
    return model;
  };
  const a = make("logits");
  await assert.rejects(compareModels(a, make("é".repeat(3_000_000)), randomDataset(a, 1), { samples: 1 }), (e: Error) => {
    assert.ok(e instanceof QuantaError && e.message.length < 300, e.message.slice(0, 400));
    assert.match(e.message, /^the models share no output name to compare \(reference: "logits"; candidate: "é+…é+" \(3,000,000 characters\)\)$/);
    return true;
  });
});
