import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createModel } from "../../ir/builder.js";
import { DataType } from "../../ir/dtype.js";
import type { Model } from "../../ir/model.js";
import { loadModel } from "../../ir/serde/load.js";
import { openSession } from "../../runtime/session.js";
import { applyRules } from "./rule.js";
import { layerNormResidualSumRule } from "./layernorm-residual-sum.js";
import { copyModel, floatInput, opCounts, seededFloats } from "./test-support.js";

const B = 2;
const S = 5;
const H = 16;
const EPS = 1e-5;

/** Two post-norm residual blocks as a transformer has them: LN(x + r + bias), then LN(h + x2). */
function residualModel(): { model: Model; gamma: Float32Array; beta: Float32Array; bias: Float32Array } {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [B, S, H]);
  const r = b.input("r", DataType.FLOAT, [B, S, H]);
  const gamma = seededFloats(H, 3).map((v) => 1 + 0.5 * v);
  const beta = seededFloats(H, 4);
  const bias = seededFloats(H, 5);
  const g = b.constant(gamma, [H], DataType.FLOAT, "gamma");
  const be = b.constant(beta, [H], DataType.FLOAT, "beta");
  const withBias = b.op("Add", [r, b.constant(bias, [H], DataType.FLOAT, "bias")], {}, { name: "bias_add" });
  const h = b.op("LayerNormalization", [b.op("Add", [x, withBias], {}, { name: "residual_1" }), g, be], { axis: -1, epsilon: EPS });
  h.type = { kind: "tensor", dtype: DataType.FLOAT, shape: [B, S, H] };
  b.output(b.op("LayerNormalization", [b.op("Add", [h, x], {}, { name: "residual_2" }), g, be], { axis: -1, epsilon: EPS }), "y");
  return { model, gamma, beta, bias };
}

/** LN(x + r + bias) then LN(that + x), in float64. */
function reference(x: Float32Array, r: Float32Array, gamma: Float32Array, beta: Float32Array, bias: Float32Array): Float64Array {
  const norm = (v: Float64Array): Float64Array => {
    const out = new Float64Array(v.length);
    for (let row = 0; row < v.length / H; row++) {
      let mean = 0;
      for (let i = 0; i < H; i++) mean += v[row * H + i]!;
      mean /= H;
      let variance = 0;
      for (let i = 0; i < H; i++) variance += (v[row * H + i]! - mean) ** 2;
      const inv = 1 / Math.sqrt(variance / H + EPS);
      for (let i = 0; i < H; i++) out[row * H + i] = (v[row * H + i]! - mean) * inv * gamma[i]! + beta[i]!;
    }
    return out;
  };
  const h = norm(Float64Array.from(x, (v, i) => v + r[i]! + bias[i % H]!));
  return norm(Float64Array.from(h, (v, i) => v + x[i]!));
}

async function optimizedOps(model: Model): Promise<Record<string, number>> {
  const path = join(tmpdir(), `quanta-residual-sum-${process.pid}.onnx`);
  try {
    await (await openSession(model, { threads: 1, optimizedModelPath: path })).release();
    return opCounts(loadModel(path));
  } finally {
    rmSync(path, { force: true });
  }
}

test("residual Adds before LayerNormalization become Sum: same output, and ORT no longer fuses SkipLayerNormalization", async () => {
  const { model, gamma, beta, bias } = residualModel();
  const before = copyModel(model);
  const [r] = applyRules(model, [layerNormResidualSumRule]);
  assert.equal(r!.applied, 2);
  assert.deepEqual(
    model.graph.nodes.filter((n) => n.opType === "Sum").map((n) => n.name),
    ["residual_1", "residual_2"],
  );
  assert.equal(model.graph.findNode("bias_add")!.opType, "Add", "only the Add that feeds the LayerNormalization changes");

  // What the rewrite is for: ORT fuses the original into SkipLayerNormalization and leaves the rewrite alone.
  const fusedBefore = await optimizedOps(before);
  assert.equal(fusedBefore.SkipLayerNormalization, 2, `ORT fused the original: ${JSON.stringify(fusedBefore)}`);
  const fusedAfter = await optimizedOps(model);
  assert.equal(fusedAfter.SkipLayerNormalization, undefined, JSON.stringify(fusedAfter));
  assert.equal(fusedAfter.LayerNormalization, 2);

  const x = floatInput([B, S, H], 1);
  const rr = floatInput([B, S, H], 2);
  const want = reference(x.data as Float32Array, rr.data as Float32Array, gamma, beta, bias);
  for (const m of [before, model]) {
    const s = await openSession(m, { threads: 1 });
    const y = (await s.run({ x, r: rr })).y!.data as Float32Array;
    await s.release();
    let maxAbs = 0;
    for (let i = 0; i < want.length; i++) maxAbs = Math.max(maxAbs, Math.abs(y[i]! - want[i]!));
    assert.ok(maxAbs < 1e-4, `max |ORT − float64| = ${maxAbs}`);
  }
});

test("Adds ORT would not fuse stay Add, with the reason", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [2, 3, 4]);
  const g = b.constant(new Float32Array(4).fill(1), [4], DataType.FLOAT, "gamma");
  const shared = b.op("Add", [x, x], {}, { name: "shared" });
  b.output(b.op("LayerNormalization", [shared, g], { axis: -1 }), "y1");
  b.output(b.op("Relu", [shared]), "y2");
  const exposed = b.op("Add", [x, x], {}, { name: "exposed" });
  b.output(exposed, "sum");
  b.output(b.op("LayerNormalization", [exposed, g], { axis: -1 }), "y3");
  b.output(b.op("LayerNormalization", [x, b.op("Add", [g, g], {}, { name: "scale" })], { axis: -1 }), "y4");

  const [r] = applyRules(model, [layerNormResidualSumRule]);
  assert.equal(r!.applied, 0);
  assert.deepEqual(Object.fromEntries(r!.skipped.map((s) => [s.node, s.reason])), {
    shared: '"shared_out" has 2 readers, which ORT never fuses',
    exposed: '"sum" is a graph output, which ORT never fuses',
  });
  assert.equal(opCounts(model).Sum, undefined, "an Add feeding the scale is no candidate");
});
