import { test } from "node:test";
import { gradCheck } from "../testing/gradcheck.js";

const stats = { mean: { dims: [3], wrt: false }, var: { dims: [3], values: [0.5, 1.3, 0.9], wrt: false } };

test("BatchNormalization in training mode (batch statistics): input, scale and bias", async () => {
  await gradCheck({
    tensors: { x: { dims: [4, 3, 2, 2] }, s: { dims: [3] }, b: { dims: [3] }, ...stats },
    forward: (b, t) => b.opN("BatchNormalization", [t.x!, t.s!, t.b!, t.mean!, t.var!], { epsilon: 1e-5, momentum: 0.9, training_mode: 1 }, 3)[0]!,
  });
});

test("BatchNormalization in training mode on a 2-D input [N, C]", async () => {
  await gradCheck({
    tensors: { x: { dims: [5, 3] }, s: { dims: [3] }, b: { dims: [3] }, ...stats },
    forward: (b, t) => b.opN("BatchNormalization", [t.x!, t.s!, t.b!, t.mean!, t.var!], { training_mode: 1 }, 3)[0]!,
  });
});

// momentum 0 (what toTrainingMode emits): the backward reads the batch statistics from outputs 1 and 2.
test("BatchNormalization in training mode with momentum 0 (batch statistics reused from its outputs)", async () => {
  for (const dims of [[4, 3, 2, 2], [5, 3]]) {
    await gradCheck({
      tensors: { x: { dims }, s: { dims: [3] }, b: { dims: [3] }, ...stats },
      forward: (b, t) => b.opN("BatchNormalization", [t.x!, t.s!, t.b!, t.mean!, t.var!], { epsilon: 1e-3, momentum: 0, training_mode: 1 }, 3)[0]!,
    });
  }
});

test("BatchNormalization in inference mode, also with respect to the running statistics", async () => {
  await gradCheck({
    tensors: { x: { dims: [2, 3, 2] }, s: { dims: [3] }, b: { dims: [3] }, mean: { dims: [3] }, var: { dims: [3], values: [0.5, 1.3, 0.9] } },
    forward: (b, t) => b.op("BatchNormalization", [t.x!, t.s!, t.b!, t.mean!, t.var!]),
  });
});
