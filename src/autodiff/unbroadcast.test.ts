import { test } from "node:test";
import assert from "node:assert/strict";
import { gradCheck } from "./testing/gradcheck.js";
import { Graph } from "../ir/graph.js";
import { DataType } from "../ir/dtype.js";
import type { Dim } from "../ir/value.js";
import { Emitter } from "./emitter.js";
import { unbroadcast } from "./unbroadcast.js";

const opsOf = (r: Awaited<ReturnType<typeof gradCheck>>) => r.model.graph.nodes.map((n) => n.opType);

test("static shapes: the broadcast axes are computed when the graph is built", async () => {
  const r = await gradCheck({
    tensors: { a: { dims: [2, 3, 4] }, b: { dims: [3, 1] } },
    forward: (b, t) => b.op("Mul", [t.a!, t.b!]),
  });
  assert.ok(!opsOf(r).includes("NonZero"));
});

test("symbolic shapes that may or may not be 1: the axes are found at run time", async () => {
  const r = await gradCheck({
    tensors: { a: { dims: [2, 3, 4], shape: ["n", "c", 4] }, b: { dims: [3, 1], shape: ["c", "k"] } },
    forward: (b, t) => b.op("Mul", [t.a!, t.b!]),
  });
  assert.ok(opsOf(r).includes("NonZero"));
});

test("a symbolic dim equal on both sides needs no run-time axes; one against a number does", () => {
  const emitted = (gShape: Dim[], tShape: Dim[]) => {
    const g = new Graph();
    const grad = g.addInput("g", { kind: "tensor", dtype: DataType.FLOAT, shape: gShape });
    const target = g.addInput("t", { kind: "tensor", dtype: DataType.FLOAT, shape: tShape });
    unbroadcast(new Emitter(g, 17), grad, gShape, target);
    return g.nodes.map((n) => n.opType);
  };
  assert.deepEqual(emitted(["n", 3], ["n", 1]), ["ReduceSum"]);
  assert.deepEqual(emitted(["n", 2, 3], [3]), ["ReduceSum", "Squeeze"]);
  assert.deepEqual(emitted(["n", 3], ["n", 3]), []);
  // "n" may be 1 (broadcast) or 2: only the run can tell.
  assert.ok(emitted([2, 3], ["n", 3]).includes("NonZero"));
});
