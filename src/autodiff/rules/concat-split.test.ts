import { test } from "node:test";
import { gradCheck } from "../testing/gradcheck.js";

test("Concat along axis 1 of three inputs, one a constant", async () => {
  await gradCheck({
    tensors: { a: { dims: [2, 1, 3] }, b: { dims: [2, 3, 3] }, c: { dims: [2, 2, 3], wrt: false } },
    forward: (b, t) => b.op("Concat", [t.a!, t.c!, t.b!], { axis: -2 }),
  });
});

test("Concat with sizes known only at run time", async () => {
  await gradCheck({
    tensors: { a: { dims: [2, 3], shape: [2, "p"] }, b: { dims: [2, 2], shape: [2, "q"] } },
    forward: (b, t) => b.op("Concat", [t.a!, t.b!], { axis: 1 }),
  });
});

test("Split into uneven parts, one of which does not reach the loss", async () => {
  await gradCheck({
    tensors: { x: { dims: [2, 7] } },
    forward: (b, t) => {
      const [p, , r] = b.opN("Split", [t.x!, b.ints([2, 1, 4])], { axis: 1 }, 3);
      return [b.op("Tanh", [p!]), r!];
    },
  });
});

test("Split then Concat back in another order", async () => {
  await gradCheck({
    tensors: { x: { dims: [4, 3] } },
    forward: (b, t) => {
      const [p, q] = b.opN("Split", [t.x!, b.ints([1, 3])], { axis: 0 }, 2);
      return b.op("Concat", [q!, b.op("Mul", [p!, p!])], { axis: 0 });
    },
  });
});
