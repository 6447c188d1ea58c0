import { test } from "node:test";
import { gradCheck } from "../testing/gradcheck.js";
import { DataType } from "../../ir/dtype.js";

test("Reshape then Transpose (explicit and default perm)", async () => {
  await gradCheck({
    tensors: { x: { dims: [2, 3, 4] }, s: { dims: [3], values: [4, 3, 2], type: "int64" } },
    forward: (b, t) => b.op("Transpose", [b.op("Transpose", [b.op("Reshape", [t.x!, t.s!])], { perm: [2, 0, 1] })]),
  });
});

test("Flatten, Squeeze and Unsqueeze", async () => {
  await gradCheck({
    tensors: { x: { dims: [2, 1, 3, 2] } },
    forward: (b, t) => b.op("Flatten", [b.op("Unsqueeze", [b.op("Squeeze", [t.x!, b.ints([1])]), b.ints([0, 3])])], { axis: 2 }),
  });
});

test("Reshape with the batch dim unknown until run time", async () => {
  await gradCheck({
    tensors: { x: { dims: [3, 2, 2], shape: ["n", 2, 2] } },
    forward: (b, t) => b.op("Reshape", [t.x!, b.ints([-1, 4])]),
  });
});

test("Expand broadcasts the input: its gradient is summed back", async () => {
  await gradCheck({
    tensors: { x: { dims: [3, 1] } },
    forward: (b, t) => b.op("Expand", [t.x!, b.ints([2, 3, 4])]),
  });
});

test("Identity, and Cast through float64 and back", async () => {
  await gradCheck({
    tensors: { x: { dims: [2, 3] } },
    forward: (b, t) => b.op("Identity", [b.op("Mul", [b.op("Cast", [b.op("Cast", [t.x!], { to: DataType.DOUBLE })], { to: t.x!.dtype! }), t.x!])]),
  });
});
