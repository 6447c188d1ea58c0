import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { PrecisionPlan } from "./plan.js";
import { sourceElementTypes } from "./source-types.js";

function planOf(model: ReturnType<typeof createModel>["model"], opts = {}) {
  return new PrecisionPlan(model.graph, sourceElementTypes(model.graph), opts);
}

test("shape arithmetic that ends in an integer Cast stays float32", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["n", 4]);
  const dims = b.op("Cast", [b.op("Shape", [x])], { to: DataType.FLOAT });
  const scaled = b.op("Floor", [b.op("Mul", [dims, b.constant([1.5])])]);
  const size = b.op("Cast", [scaled], { to: DataType.INT64 });
  b.output(b.op("Reshape", [b.op("Relu", [x]), size]), "y");
  const plan = planOf(model);
  assert.deepEqual([...plan.float32Nodes.keys()].map((n) => n.opType).sort(), ["Cast", "Floor", "Mul"]);
  assert.ok(plan.runsFloat32(dims.producer!), "Cast(to float) of the shape stays float32");
  assert.ok(plan.runsFloat32(scaled.producer!), "Floor stays float32");
  assert.ok(!plan.runsFloat32(model.graph.nodes.find((n) => n.opType === "Relu")!));
  assert.equal(plan.castTarget(dims.producer!), DataType.FLOAT);
  const k = model.graph.nodes.find((n) => n.opType === "Mul")!.input(1)!;
  assert.equal(plan.target(k), DataType.FLOAT, "its constant stays float32");
});

test("Resize scales initializer stays float32; the data input goes float16", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [1, 1, 2, 2]);
  const scales = b.constant([1, 1, 2, 2], [4], DataType.FLOAT, "scales");
  const resize = b.op("Resize", [x, null, scales], { mode: "nearest" });
  b.output(resize, "y");
  const plan = planOf(model);
  assert.equal(plan.target(scales), DataType.FLOAT);
  assert.equal(plan.target(x), DataType.FLOAT16);
  assert.equal(plan.target(resize), DataType.FLOAT16);
  assert.equal(plan.want(resize.producer!, 2), DataType.FLOAT);
  assert.equal(plan.want(resize.producer!, 0), DataType.FLOAT16);
});

test("blockOps, unknown ops and float32 rules keep nodes float32; keepIoTypes keeps inputs float32", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [3]);
  const s = b.op("Softmax", [x]);
  const c = b.op("Custom", [s], {}, { domain: "com.example" });
  const r = b.op("Range", [b.constant([0], [], DataType.FLOAT, "a"), b.constant([3], [], DataType.FLOAT, "l"), b.constant([1], [], DataType.FLOAT, "d")]);
  b.output(b.op("Add", [c, r]), "y");
  const plan = planOf(model, { blockOps: ["Softmax"], keepIoTypes: true });
  assert.equal(plan.float32Nodes.get(s.producer!), "listed in blockOps");
  assert.match(plan.float32Nodes.get(c.producer!)!, /no float16 rule for com.example/);
  assert.match(plan.float32Nodes.get(r.producer!)!, /no float16/);
  assert.equal(plan.target(x), DataType.FLOAT);
  assert.equal(plan.target(model.graph.initializers.get("a")!), DataType.FLOAT);
});
