import { test } from "node:test";
import { gradCheck } from "../testing/gradcheck.js";

test("LayerNormalization over the last axis: input, scale and bias", async () => {
  await gradCheck({
    tensors: { x: { dims: [3, 6] }, s: { dims: [6], initializer: true }, b: { dims: [6], initializer: true } },
    forward: (b, t) => b.op("LayerNormalization", [t.x!, t.s!, t.b!], { epsilon: 1e-5 }),
  });
});

test("LayerNormalization over the last two axes (axis=1 of a 3-D input), no bias", async () => {
  await gradCheck({
    tensors: { x: { dims: [2, 3, 4] }, s: { dims: [3, 4] } },
    forward: (b, t) => b.op("LayerNormalization", [t.x!, t.s!], { axis: 1, epsilon: 1e-3 }),
  });
});
