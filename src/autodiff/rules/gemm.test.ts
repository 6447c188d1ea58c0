import { test } from "node:test";
import { gradCheck } from "../testing/gradcheck.js";

for (const [transA, transB] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
  test(`Gemm transA=${transA} transB=${transB} with alpha, beta and a [N] bias`, async () => {
    await gradCheck({
      tensors: { a: { dims: transA ? [4, 3] : [3, 4] }, b: { dims: transB ? [2, 4] : [4, 2], initializer: true }, c: { dims: [2] } },
      forward: (b, t) => b.op("Gemm", [t.a!, t.b!, t.c!], { transA, transB, alpha: 0.7, beta: 1.3 }),
    });
  });
}

test("Gemm bias broadcasting: [M,1] and scalar biases, and no bias", async () => {
  for (const dims of [[3, 1], []]) {
    await gradCheck({
      tensors: { a: { dims: [3, 4] }, b: { dims: [4, 2] }, c: { dims } },
      forward: (b, t) => b.op("Gemm", [t.a!, t.b!, t.c!]),
    });
  }
  await gradCheck({ tensors: { a: { dims: [3, 4] }, b: { dims: [2, 4] } }, forward: (b, t) => b.op("Gemm", [t.a!, t.b!], { transB: 1 }) });
});
