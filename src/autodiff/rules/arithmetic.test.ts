import { test } from "node:test";
import assert from "node:assert/strict";
import { gradCheck } from "../testing/gradcheck.js";

test("Add broadcasts [2,3,4] + [3,1]: the smaller input gets sums over the broadcast axes", async () => {
  const r = await gradCheck({
    tensors: { a: { dims: [2, 3, 4] }, b: { dims: [3, 1], initializer: true } },
    forward: (b, t) => b.op("Add", [t.a!, t.b!]),
  });
  assert.equal(r.precision, "float64");
  assert.equal(r.analytic.get("b")!.length, 3);
});

test("Sub, Mul and Div with broadcasting on both sides", async () => {
  await gradCheck({
    tensors: { a: { dims: [2, 1, 4] }, b: { dims: [3, 1] }, c: { dims: [4], values: [1.5, -2, 0.8, 1.2] } },
    forward: (b, t) => b.op("Div", [b.op("Mul", [b.op("Sub", [t.a!, t.b!]), t.a!]), t.c!]),
  });
});

test("a value used twice sums both gradient contributions", async () => {
  // y = x * x + Neg(x): three uses of x.
  const r = await gradCheck({
    tensors: { x: { dims: [5] } },
    forward: (b, t) => b.op("Add", [b.op("Mul", [t.x!, t.x!]), b.op("Neg", [t.x!])]),
  });
  assert.equal(r.analytic.get("x")!.length, 5);
});

test("Pow (tensor exponent and constant exponent), Sqrt, Exp, Log", async () => {
  const pos = { dims: [2, 3], values: [0.5, 1.2, 0.9, 2.1, 1.7, 0.3] };
  await gradCheck({
    tensors: { x: pos, e: { dims: [3] } },
    forward: (b, t) => b.op("Pow", [t.x!, t.e!]),
  });
  await gradCheck({
    tensors: { x: pos, k: { dims: [], values: [3], wrt: false } },
    forward: (b, t) => b.op("Add", [b.op("Pow", [t.x!, t.k!]), b.op("Sqrt", [t.x!])]),
  });
  await gradCheck({
    tensors: { x: pos },
    forward: (b, t) => b.op("Mul", [b.op("Exp", [t.x!]), b.op("Log", [t.x!])]),
  });
});

test("Sum of three broadcast inputs", async () => {
  await gradCheck({
    tensors: { a: { dims: [2, 3] }, b: { dims: [3] }, c: { dims: [2, 1] } },
    forward: (b, t) => b.op("Sum", [t.a!, t.b!, t.c!]),
  });
});
