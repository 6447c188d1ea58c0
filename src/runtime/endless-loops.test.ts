import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { attr } from "../ir/attribute.js";
import { QuantaError } from "../errors.js";
import { openSession } from "./session.js";

/** x → Loop (trip count `trip`, or none) whose body adds 1 to the state; the condition passes through or is computed. */
function loopModel(trip: number | null, cond: "through" | "computed" = "through") {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [1]);
  const body = model.graph.createSubgraph("body");
  const i = body.addInput("i", { kind: "tensor", dtype: DataType.INT64, shape: [] });
  const cin = body.addInput("cond_in", { kind: "tensor", dtype: DataType.BOOL, shape: [] });
  const s = body.addInput("s", { kind: "tensor", dtype: DataType.FLOAT, shape: [1] });
  const next = body.addNode("Add", [s, model.graph.addInitializer("one", Tensor.fromArray(DataType.FLOAT, [1], [1]))]).output(0);
  const ten = model.graph.addInitializer("ten", Tensor.fromArray(DataType.INT64, [], BigInt64Array.from([10n])));
  const cout = cond === "through" ? body.addNode("Identity", [cin]).output(0) : body.addNode("Less", [i, ten]).output(0);
  body.addOutput(cout);
  body.addOutput(next);
  const m = trip === null ? null : b.initializer("trip", Tensor.fromArray(DataType.INT64, [], BigInt64Array.from([BigInt(trip)])));
  const keep = b.initializer("keep", Tensor.fromArray(DataType.BOOL, [], Uint8Array.from([1])));
  const [y] = model.graph.addNode("Loop", [m, keep, x], { body: attr.graph(body) }, { name: "loop", outputs: 1 }).outputs;
  b.output(y!, "y");
  return model;
}

test("a Loop that would run 2^32 steps or forever is refused before ONNX Runtime hangs on it", async () => {
  await assert.rejects(openSession(loopModel(2 ** 32)), (e: Error) => e instanceof QuantaError && /^Loop node "loop" runs 4,294,967,296 iterations \(its trip count, with a condition its body never changes\), more than quanta runs \(1,000,000\)/.test(e.message));
  await assert.rejects(openSession(loopModel(null)), (e: Error) => e instanceof QuantaError && /^Loop node "loop" never ends: it has no trip count/.test(e.message));
});

test("Loops that end are run: a small trip count, or a condition the body computes", async () => {
  for (const m of [loopModel(3), loopModel(2 ** 40, "computed"), loopModel(null, "computed")]) {
    const s = await openSession(m);
    const r = await s.run({ x: { type: "float32", dims: [1], data: Float32Array.from([0]) } });
    assert.ok([3, 11].includes((r.y!.data as Float32Array)[0]!), String(r.y!.data));
    await s.release();
  }
});

test("a trip count that is not an int64 scalar is left to ONNX Runtime to refuse (was 'offset is out of bounds' reading it)", async () => {
  const m = loopModel(2 ** 32);
  const trip = m.graph.findValue("trip")!;
  trip.initializer = Tensor.fromArray(DataType.COMPLEX128, [], new Float64Array(2));
  await assert.rejects(openSession(m), (e: Error) => e instanceof QuantaError && /^ONNX Runtime cannot load the model/.test(e.message));
});
