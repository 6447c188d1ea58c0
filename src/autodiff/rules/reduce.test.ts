import { test } from "node:test";
import { gradCheck } from "../testing/gradcheck.js";

for (const op of ["ReduceSum", "ReduceMean"]) {
  test(`${op}: some axes with and without keepdims, and all axes`, async () => {
    // ReduceMean takes axes as an attribute before opset 18, ReduceSum as an input from 13.
    const axes = (b: Parameters<Parameters<typeof gradCheck>[0]["forward"]>[0], a: number[]) =>
      op === "ReduceSum" ? { inputs: [b.ints(a)], attrs: {} } : { inputs: [], attrs: { axes: a } };
    await gradCheck({
      tensors: { x: { dims: [2, 3, 4] } },
      forward: (b, t) => {
        const a = axes(b, [0, -1]);
        return [b.op(op, [t.x!, ...a.inputs], { ...a.attrs, keepdims: 0 }), b.op(op, [t.x!, ...axes(b, [1]).inputs], { ...axes(b, [1]).attrs }), b.op(op, [t.x!], { keepdims: 0 })];
      },
    });
  });
}

test("ReduceMean with axes as an input (opset 18) over a batch dim unknown until run time", async () => {
  await gradCheck({
    opset: 18,
    tensors: { x: { dims: [3, 4], shape: ["n", 4] } },
    forward: (b, t) => b.op("ReduceMean", [t.x!, b.ints([0])], { keepdims: 0 }),
  });
});
