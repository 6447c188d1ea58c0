import { test } from "node:test";
import { gradCheck } from "../testing/gradcheck.js";

for (const op of ["Softmax", "LogSoftmax"]) {
  test(`${op} along the last axis and along axis 1 of a 3-D input`, async () => {
    await gradCheck({ tensors: { x: { dims: [2, 5] } }, forward: (b, t) => b.op(op, [t.x!]) });
    await gradCheck({ tensors: { x: { dims: [2, 3, 4] } }, forward: (b, t) => b.op(op, [t.x!], { axis: 1 }) });
  });
}
