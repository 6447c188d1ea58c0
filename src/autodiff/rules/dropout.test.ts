import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../../ir/builder.js";
import { DataType } from "../../ir/dtype.js";
import { Tensor } from "../../ir/tensor/tensor.js";
import { attr } from "../../ir/attribute.js";
import { buildGradientGraph } from "../gradient-graph.js";
import { openSession } from "../../runtime/session.js";
import { gradCheck } from "../testing/gradcheck.js";

test("Dropout in inference (no training input) is the identity", async () => {
  await gradCheck({ tensors: { x: { dims: [2, 3] } }, forward: (b, t) => b.op("Dropout", [t.x!, b.constant([0.3], [])]) });
});

// Random masks rule out finite differences: the gradient is checked against the mask the same
// run drew, which the rule must reuse: dx = g * mask / (1 - ratio).
async function trainingCase(trainingInput: "constant" | "fed", withMask: boolean) {
  const ratio = 0.25;
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [4, 8]);
  const train = trainingInput === "constant" ? b.initializer("train", Tensor.fromArray(DataType.BOOL, [], [1])) : b.input("train", DataType.BOOL, []);
  const node = model.graph.addNode("Dropout", [x, b.constant([ratio], []), train], { seed: attr.int(7) }, { outputs: withMask ? 2 : 1 });
  const w = b.constant(Array.from({ length: 32 }, (_, i) => i - 10), [4, 8], DataType.FLOAT, "w");
  b.output(b.op("ReduceSum", [b.op("Mul", [node.output(0), w])], { keepdims: 0 }), "loss");
  const { model: gm } = buildGradientGraph(model, { loss: "loss", wrt: ["x"] });
  // Fetch the forward's mask alongside the gradient.
  const mask = gm.graph.nodes.find((n) => n.opType === "Dropout")!.output(1);
  gm.graph.addOutput(mask);
  const s = await openSession(gm);
  const feeds = {
    x: { type: "float32" as const, dims: [4, 8], data: new Float32Array(32).fill(1) },
    ...(trainingInput === "fed" ? { train: { type: "bool" as const, dims: [], data: Uint8Array.from([1]) } } : {}),
  };
  const r = await s.run(feeds, ["x_grad", mask.name]);
  await s.release();
  const m = r[mask.name]!.data as Uint8Array;
  const dropped = [...m].filter((v) => !v).length;
  assert.ok(dropped > 0 && dropped < 32, "the mask should drop some elements and keep others");
  const expected = Array.from({ length: 32 }, (_, i) => (m[i] ? (i - 10) / (1 - ratio) : 0));
  const got = [...(r.x_grad!.data as Float32Array)];
  got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-5, `element ${i}: ${v} vs ${expected[i]}`));
}

test("Dropout in training mode: the gradient uses the forward's mask and scale", async () => {
  await trainingCase("constant", true);
});

test("Dropout in training mode without a mask output (the rule adds one)", async () => {
  await trainingCase("constant", false);
});

test("Dropout whose training switch is fed at run time", async () => {
  await trainingCase("fed", true);
});
