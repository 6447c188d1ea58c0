import { test } from "node:test";
import { gradCheck } from "../testing/gradcheck.js";

test("Gather on axis 0 (an embedding lookup) with repeated and negative indices", async () => {
  await gradCheck({
    tensors: { table: { dims: [5, 3], initializer: true }, ids: { dims: [2, 3], values: [1, 4, 1, -1, 0, 1], type: "int64" } },
    forward: (b, t) => b.op("Gather", [t.table!, t.ids!]),
  });
});

test("Gather on a middle axis with 2-D indices, and with a scalar index", async () => {
  await gradCheck({
    tensors: { x: { dims: [2, 4, 3] }, i: { dims: [2, 2], values: [3, 0, 3, -2], type: "int64" } },
    forward: (b, t) => b.op("Gather", [t.x!, t.i!], { axis: 1 }),
  });
  await gradCheck({
    tensors: { x: { dims: [2, 4, 3] }, i: { dims: [], values: [2], type: "int64" } },
    forward: (b, t) => b.op("Gather", [t.x!, t.i!], { axis: -1 }),
  });
});

test("GatherElements with repeated indices", async () => {
  await gradCheck({
    tensors: { x: { dims: [3, 4] }, i: { dims: [3, 2], values: [0, 0, 3, 1, 2, 2], type: "int64" } },
    forward: (b, t) => b.op("GatherElements", [t.x!, t.i!], { axis: 1 }),
  });
});
