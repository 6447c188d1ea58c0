import { test } from "node:test";
import { gradCheck } from "../testing/gradcheck.js";

const mm = (shapes: number[][]) => ({
  tensors: { a: { dims: shapes[0]! }, b: { dims: shapes[1]! } },
  forward: (b: Parameters<Parameters<typeof gradCheck>[0]["forward"]>[0], t: Record<string, import("../../ir/value.js").Value>) => b.op("MatMul", [t.a!, t.b!]),
});

test("MatMul 2-D", async () => {
  await gradCheck(mm([[3, 4], [4, 2]]));
});

test("batched MatMul broadcasting the batch axes: [2,1,3,4] x [3,4,5]", async () => {
  await gradCheck(mm([[2, 1, 3, 4], [3, 4, 5]]));
});

test("MatMul with a shared 2-D weight: [2,3,4] x [4,5]", async () => {
  await gradCheck(mm([[2, 3, 4], [4, 5]]));
});

test("MatMul 1-D cases: vector x matrix, batched matrix x vector, vector x vector", async () => {
  await gradCheck(mm([[4], [2, 4, 3]]));
  await gradCheck(mm([[2, 3, 4], [4]]));
  await gradCheck(mm([[4], [4]]));
});
