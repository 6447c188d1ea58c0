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

test("MatMul with a shared 2-D weight, 4-D input and batch dims unknown until run time (rows folded at run time)", async () => {
  await gradCheck(mm([[2, 2, 3, 4], [4, 5]]));
  await gradCheck({
    tensors: { a: { dims: [2, 3, 4], shape: ["n", "s", 4] }, b: { dims: [4, 5] } },
    forward: (b, t) => b.op("MatMul", [t.a!, t.b!]),
  });
});

test("batched MatMul whose unknown batch dim is 1 at run time (reduced by the run-time path)", async () => {
  await gradCheck({
    tensors: { a: { dims: [2, 1, 3, 4], shape: ["n", "m", 3, 4] }, b: { dims: [2, 4, 5] } },
    forward: (b, t) => b.op("MatMul", [t.a!, t.b!]),
  });
});

test("MatMul 1-D cases: vector x matrix, batched matrix x vector, vector x vector", async () => {
  await gradCheck(mm([[4], [2, 4, 3]]));
  await gradCheck(mm([[2, 3, 4], [4]]));
  await gradCheck(mm([[4], [4]]));
});
