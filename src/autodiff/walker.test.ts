import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { inferModelShapes } from "../passes/infer-shapes.js";
import { differentiate } from "./walker.js";
import { openSession } from "../runtime/session.js";
import { sortGraph } from "../passes/topological-sort.js";
import type { Node } from "../ir/node.js";

test("only nodes on a path from a differentiated value to the loss need rules", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [3]);
  const c = b.input("c", DataType.FLOAT, [3]);
  // Sin has no gradient rule: on x's side branch (not reaching the loss) and on c's path (no
  // differentiated value behind it), neither needs one.
  b.output(b.op("Sin", [x]), "side");
  const loss = b.op("ReduceSum", [b.op("Mul", [x, b.op("Sin", [c])])], { keepdims: 0 });
  b.output(loss, "loss");
  inferModelShapes(model);
  const before = model.graph.nodes.length;
  const grads = differentiate(model.graph, loss, [x], { opset: 17 });
  assert.ok(grads.get(x));
  const added = model.graph.nodes.slice(before).map((n) => n.opType);
  assert.ok(!added.includes("Sin") && !added.includes("Cos"), added.join(","));
});

test("an op without a rule on the path is a clear error", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [3]);
  const loss = b.op("ReduceSum", [b.op("Sin", [x])], { keepdims: 0 });
  inferModelShapes(model);
  assert.throws(() => differentiate(model.graph, loss, [x], { opset: 17 }), /cannot differentiate Sin node .*no gradient rule for Sin/);
});

test("a value the loss does not depend on gets zeros; integer shape paths get nothing", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["n", 2]);
  const unused = b.input("u", DataType.FLOAT, [2, 2]);
  // Reshape to x's own shape, read at run time: an int64 path from x that carries no gradient.
  const y = b.op("Reshape", [b.op("Mul", [x, x]), b.op("Shape", [x])]);
  const loss = b.op("ReduceSum", [y], { keepdims: 0 });
  b.output(loss, "loss");
  inferModelShapes(model);
  const grads = differentiate(model.graph, loss, [x, unused], { opset: 17 });
  b.output(grads.get(x)!, "gx");
  b.output(grads.get(unused)!, "gu");
  const s = await openSession(model);
  const r = await s.run({ x: { type: "float32", dims: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }, u: { type: "float32", dims: [2, 2], data: new Float32Array(4).fill(9) } });
  await s.release();
  assert.deepEqual([...(r.gx!.data as Float32Array)], [2, 4, 6, 8, 10, 12]);
  assert.deepEqual(r.gu!.dims, [2, 2]);
  assert.deepEqual([...(r.gu!.data as Float32Array)], [0, 0, 0, 0]);
});

test("a non-scalar loss is seeded with ones: the gradient of its sum", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [2, 2]);
  const loss = b.op("Mul", [x, b.constant([1, 2, 3, 4], [2, 2])]);
  b.output(loss, "y");
  inferModelShapes(model);
  b.output(differentiate(model.graph, loss, [x], { opset: 17 }).get(x)!, "gx");
  const s = await openSession(model);
  const r = await s.run({ x: { type: "float32", dims: [2, 2], data: new Float32Array(4) } });
  await s.release();
  assert.deepEqual([...(r.gx!.data as Float32Array)], [1, 2, 3, 4]);
});

test("the walk follows data dependencies, not the order the graph lists its nodes in", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [2]);
  const y = b.op("Mul", [x, x]);
  const z = b.op("Add", [y, b.op("Tanh", [y])]); // y read three times, along paths of different lengths
  const loss = b.op("ReduceSum", [b.op("Mul", [z, y])], { keepdims: 0 });
  b.output(loss, "loss");
  inferModelShapes(model);
  (model.graph.nodes as Node[]).reverse();
  const gx = differentiate(model.graph, loss, [x], { opset: 17 }).get(x)!;
  b.output(gx, "gx");
  sortGraph(model.graph);
  const s = await openSession(model);
  const r = await s.run({ x: { type: "float32", dims: [2], data: Float32Array.from([1, 2]) } });
  await s.release();
  // loss = sum((y + tanh y) * y), y = x^2: dloss/dy = (2 - tanh^2 y) y + y + tanh y, times 2x.
  const expected = [1, 2].map((xv) => {
    const yv = xv * xv;
    const t = Math.tanh(yv);
    return ((2 - t * t) * yv + yv + t) * 2 * xv;
  });
  const got = r.gx!.data as Float32Array;
  expected.forEach((e, i) => assert.ok(Math.abs(got[i]! - e) < 1e-5 * e, `${got[i]} vs ${e}`));
});
