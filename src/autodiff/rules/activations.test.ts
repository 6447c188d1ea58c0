import { test } from "node:test";
import assert from "node:assert/strict";
import { gradCheck } from "../testing/gradcheck.js";

// Inputs kept away from the kinks at 0 so central differences never straddle one.
const awayFromZero = { dims: [2, 5], values: [-1.2, -0.7, -0.3, 0.2, 0.6, 1.1, -0.9, 0.4, -0.15, 0.8] };

for (const op of ["Relu", "Sigmoid", "Tanh"]) {
  test(`${op}`, async () => {
    const r = await gradCheck({ tensors: { x: awayFromZero }, forward: (b, t) => b.op(op, [t.x!]) });
    assert.equal(r.precision, "float64");
  });
}

test("LeakyRelu", async () => {
  const r = await gradCheck({ tensors: { x: awayFromZero }, forward: (b, t) => b.op("LeakyRelu", [t.x!], { alpha: 0.2 }) });
  assert.equal(r.precision, "float64");
});

test("Erf", async () => {
  const r = await gradCheck({ tensors: { x: { dims: [2, 4] } }, forward: (b, t) => b.op("Erf", [t.x!]) });
  assert.equal(r.precision, "float32");
});

test("Gelu op (exact and tanh approximation, opset 20)", async () => {
  for (const approximate of ["none", "tanh"]) {
    await gradCheck({ opset: 20, tensors: { x: { dims: [2, 4] } }, forward: (b, t) => b.op("Gelu", [t.x!], { approximate }) });
  }
});

test("Gelu as exporters write it: x * 0.5 * (1 + Erf(x / sqrt 2)), differentiated through its parts", async () => {
  await gradCheck({
    tensors: { x: { dims: [3, 4] }, r2: { dims: [], values: [Math.SQRT2], wrt: false }, one: { dims: [], values: [1], wrt: false }, half: { dims: [], values: [0.5], wrt: false } },
    forward: (b, t) => b.op("Mul", [b.op("Mul", [t.x!, b.op("Add", [b.op("Erf", [b.op("Div", [t.x!, t.r2!])]), t.one!])]), t.half!]),
  });
});

test("Clip with min and max inputs passes the gradient inside and sends the rest to the bounds", async () => {
  const r = await gradCheck({
    tensors: { x: awayFromZero, lo: { dims: [], values: [-0.5] }, hi: { dims: [], values: [0.7] } },
    forward: (b, t) => b.op("Clip", [t.x!, t.lo!, t.hi!]),
  });
  assert.equal(r.precision, "float64");
  await gradCheck({ tensors: { x: awayFromZero, hi: { dims: [], values: [0.5], wrt: false } }, forward: (b, t) => b.op("Clip", [t.x!, null, t.hi!]) });
});
