import { test } from "node:test";
import { gradCheck } from "../testing/gradcheck.js";

test("Where with a broadcast condition and branches of different shapes", async () => {
  await gradCheck({
    tensors: {
      c: { dims: [3, 1], values: [1, 0, 1], type: "bool" },
      x: { dims: [3, 4] },
      y: { dims: [4] },
    },
    forward: (b, t) => b.op("Where", [t.c!, t.x!, t.y!]),
  });
});

test("Where with a condition computed from the differentiated input", async () => {
  await gradCheck({
    tensors: { x: { dims: [2, 5], values: [0.3, -0.4, 0.9, -1.1, 0.2, 0.7, -0.6, 0.15, -0.25, 0.5] } },
    forward: (b, t) => b.op("Where", [b.op("Greater", [t.x!, b.op("ReduceMean", [t.x!], { keepdims: 1 })]), b.op("Mul", [t.x!, t.x!]), t.x!]),
  });
});
