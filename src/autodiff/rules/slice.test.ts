import { test } from "node:test";
import { gradCheck } from "../testing/gradcheck.js";

test("Slice with constant unit steps (Pad), negative and clamped bounds", async () => {
  await gradCheck({
    tensors: { x: { dims: [3, 5, 4] } },
    forward: (b, t) => b.op("Slice", [t.x!, b.ints([1, -4, 0]), b.ints([100, -1, 3]), b.ints([0, 1, -1])]),
  });
});

test("Slice with steps, including a negative one (scatter by element numbers)", async () => {
  await gradCheck({
    tensors: { x: { dims: [4, 6] } },
    forward: (b, t) => b.op("Slice", [t.x!, b.ints([0, 5]), b.ints([4, 0]), b.ints([0, 1]), b.ints([2, -2])]),
  });
});

test("Slice with bounds computed at run time", async () => {
  await gradCheck({
    tensors: { x: { dims: [3, 5] }, s: { dims: [1], values: [1], type: "int64" }, e: { dims: [1], values: [4], type: "int64" } },
    forward: (b, t) => b.op("Slice", [t.x!, t.s!, t.e!, b.ints([1])]),
  });
});
