import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../../ir/builder.js";
import { DataType } from "../../ir/dtype.js";
import type { Model } from "../../ir/model.js";
import type { Value } from "../../ir/value.js";
import { runPasses } from "../pass.js";
import { applyRules, type RuleReport } from "./rule.js";
import { convBnFold, convBnFoldRule } from "./conv-bn-fold.js";
import { compareOutputs, copyModel, floatInput, opCounts, runAsWritten, seededFloats } from "./test-support.js";
import type { GraphBuilder } from "../../ir/builder.js";

const EPS = 1e-3;

interface BnParams {
  gamma: number[];
  beta: number[];
  mean: number[];
  variance: number[];
}

function bnParams(c: number): BnParams {
  // Rounded to float32 as stored, so the test's float64 math starts from the same numbers.
  const r = (seed: number) => [...seededFloats(c, seed)];
  const f = (v: number[]) => v.map(Math.fround);
  const p = {
    gamma: r(11).map((v) => 1 + 0.5 * v),
    beta: r(12),
    mean: r(13).map((v) => 0.3 * v),
    variance: r(14).map((v) => 0.5 + Math.abs(v)),
  };
  return { gamma: f(p.gamma), beta: f(p.beta), mean: f(p.mean), variance: f(p.variance) };
}

function batchNorm(b: GraphBuilder, x: Value, p: BnParams, name = "bn"): Value {
  const c = p.gamma.length;
  const inputs = [p.gamma, p.beta, p.mean, p.variance].map((v, i) => b.constant(v, [c], DataType.FLOAT, `${name}.${["weight", "bias", "running_mean", "running_var"][i]}`));
  return b.op("BatchNormalization", [x, ...inputs], { epsilon: EPS }, { name });
}

/** float64 reference for a Conv (stride 1, symmetric pads) on one image [Cin,H,W]. */
function conv2d(x: Float32Array, cin: number, h: number, wd: number, w: Float32Array, cout: number, k: number, pad: number, bias: number[]): Float64Array {
  const oh = h + 2 * pad - k + 1;
  const ow = wd + 2 * pad - k + 1;
  const out = new Float64Array(cout * oh * ow);
  for (let o = 0; o < cout; o++)
    for (let y = 0; y < oh; y++)
      for (let xx = 0; xx < ow; xx++) {
        let acc = bias[o]!;
        for (let c = 0; c < cin; c++)
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              const iy = y + ky - pad;
              const ix = xx + kx - pad;
              if (iy < 0 || ix < 0 || iy >= h || ix >= wd) continue;
              acc += w[((o * cin + c) * k + ky) * k + kx]! * x[(c * h + iy) * wd + ix]!;
            }
        out[(o * oh + y) * ow + xx] = acc;
      }
  return out;
}

function fold(model: Model): RuleReport {
  return applyRules(model, [convBnFoldRule])[0]!;
}

test("Conv + BatchNormalization folds into one Conv: weights and outputs match float64 reference math", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [1, 2, 5, 5]);
  const wData = seededFloats(3 * 2 * 3 * 3, 3);
  const biasData = [0.1, -0.2, 0.3];
  const w = b.constant(wData, [3, 2, 3, 3], DataType.FLOAT, "conv.weight");
  const bias = b.constant(biasData, [3], DataType.FLOAT, "conv.bias");
  const p = bnParams(3);
  const y = batchNorm(b, b.op("Conv", [x, w, bias], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }, { name: "conv" }), p);
  b.output(y, "y");

  const { records } = await runPasses(model, convBnFold());
  assert.deepEqual(opCounts(model), { Conv: 1 });
  assert.equal(records[0]!.modified, true);
  const conv = model.graph.nodes[0]!;
  assert.equal(conv.name, "conv");
  assert.equal(model.graph.outputs[0]!.name, "y", "the graph output keeps its name");
  assert.deepEqual([conv.input(1)!.name, conv.input(2)!.name], ["conv.weight", "conv.bias"], "weights keep their names");
  assert.deepEqual([...model.graph.initializers.keys()].sort(), ["conv.bias", "conv.weight"], "BN parameters are gone");

  // w' = w·γ/√(var+ε), b' = (b−μ)·γ/√(var+ε) + β, computed here in float64.
  const s = p.gamma.map((g, c) => g / Math.sqrt(p.variance[c]! + EPS));
  const wFolded = model.graph.constantValue(conv.input(1))!.toFloat32();
  for (let i = 0; i < wFolded.length; i++) assert.equal(wFolded[i], Math.fround(wData[i]! * s[Math.floor(i / 18)]!), `weight ${i}`);
  const bFolded = model.graph.constantValue(conv.input(2))!.toFloat32();
  for (let c = 0; c < 3; c++) assert.equal(bFolded[c], Math.fround((biasData[c]! - p.mean[c]!) * s[c]! + p.beta[c]!));

  // Output against a float64 Conv followed by a float64 BatchNormalization.
  const input = floatInput([1, 2, 5, 5], 7);
  const out = (await runAsWritten(model, { x: input })).y!.data as Float32Array;
  const convRef = conv2d(input.data as Float32Array, 2, 5, 5, wData, 3, 3, 1, biasData);
  for (let i = 0; i < convRef.length; i++) {
    const c = Math.floor(i / 25);
    const ref = ((convRef[i]! - p.mean[c]!) / Math.sqrt(p.variance[c]! + EPS)) * p.gamma[c]! + p.beta[c]!;
    assert.ok(Math.abs(out[i]! - ref) < 1e-5, `element ${i}: ${out[i]} vs ${ref}`);
  }
});

test("ConvTranspose with groups ([Cin, Cout/g, k, k] weights) folds per output channel", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [2, 4, 3, 3]);
  // Cin 4, group 2, Cout/g 3 → Cout 6.
  const wData = seededFloats(4 * 3 * 2 * 2, 5);
  const w = b.constant(wData, [4, 3, 2, 2], DataType.FLOAT, "up.weight");
  const p = bnParams(6);
  b.output(batchNorm(b, b.op("ConvTranspose", [x, w], { group: 2, strides: [2, 2] }), p), "y");
  const before = copyModel(model);

  const r = fold(model);
  assert.equal(r.applied, 1);
  assert.deepEqual(opCounts(model), { ConvTranspose: 1 });
  // Weight [ci=1, j=1] belongs to group 0 (ci < 2) → output channel 0·3 + 1 = 1; [ci=3, j=2] → channel 3 + 2 = 5.
  const folded = model.graph.constantValue(model.graph.nodes[0]!.input(1))!.toFloat32();
  const s = (c: number) => p.gamma[c]! / Math.sqrt(p.variance[c]! + EPS);
  assert.equal(folded[(1 * 3 + 1) * 4], Math.fround(wData[(1 * 3 + 1) * 4]! * s(1)));
  assert.equal(folded[(3 * 3 + 2) * 4 + 3], Math.fround(wData[(3 * 3 + 2) * 4 + 3]! * s(5)));

  const feeds = { x: floatInput([2, 4, 3, 3], 9) };
  const d = compareOutputs(await runAsWritten(before, feeds), await runAsWritten(model, feeds));
  assert.ok(d.relative <= 1e-5, `relative difference ${d.relative}`);
});

test("BatchNormalization after Gemm (transB, alpha, beta) and after a 2-D MatMul folds into the weight columns", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [3, 4]);
  const wg = seededFloats(5 * 4, 21); // transB: [N=5, K=4]
  const cg = [0.5, -1, 0, 2, 1];
  const p1 = bnParams(5);
  const g1 = b.op("Gemm", [x, b.constant(wg, [5, 4], DataType.FLOAT, "fc1.weight"), b.constant(cg, [5], DataType.FLOAT, "fc1.bias")], { transB: 1, alpha: 0.5, beta: 2 });
  const h = batchNorm(b, g1, p1, "bn1");
  h.type = { kind: "tensor", dtype: DataType.FLOAT, shape: [3, 5] };
  const wm = seededFloats(5 * 2, 22); // [K=5, N=2]
  const p2 = bnParams(2);
  b.output(batchNorm(b, b.op("MatMul", [h, b.constant(wm, [5, 2], DataType.FLOAT, "fc2.weight")]), p2, "bn2"), "y");

  const r = fold(model);
  assert.equal(r.applied, 2, JSON.stringify(r.skipped));
  assert.deepEqual(opCounts(model), { Gemm: 2 });
  assert.deepEqual([...model.graph.initializers.keys()].sort(), ["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"]);

  // float64 reference: BN2(BN1(0.5·x·Wgᵀ + 2·c) · Wm).
  const input = floatInput([3, 4], 23);
  const xs = input.data as Float32Array;
  const bn = (v: number, p: BnParams, c: number) => ((v - p.mean[c]!) / Math.sqrt(p.variance[c]! + EPS)) * p.gamma[c]! + p.beta[c]!;
  const out = (await runAsWritten(model, { x: input })).y!.data as Float32Array;
  for (let m = 0; m < 3; m++) {
    const hid = Array.from({ length: 5 }, (_, n) => {
      let acc = 0;
      for (let k = 0; k < 4; k++) acc += xs[m * 4 + k]! * wg[n * 4 + k]!;
      return bn(0.5 * acc + 2 * cg[n]!, p1, n);
    });
    for (let n = 0; n < 2; n++) {
      let acc = 0;
      for (let k = 0; k < 5; k++) acc += hid[k]! * wm[k * 2 + n]!;
      const ref = bn(acc, p2, n);
      assert.ok(Math.abs(out[m * 2 + n]! - ref) < 1e-5, `[${m},${n}] ${out[m * 2 + n]} vs ${ref}`);
    }
  }
});

test("candidates that stay are reported with reasons", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [1, 2, 4, 4]);
  const w = () => b.constant(seededFloats(2 * 2, 1), [2, 2, 1, 1], DataType.FLOAT, "w");
  const p = bnParams(2);
  // 1. The Conv output is also read by a Relu: folding would change what the Relu sees.
  const c1 = b.op("Conv", [x, w()], {}, { name: "c1" });
  const side = b.op("Relu", [c1], {}, { name: "side" });
  const y1 = batchNorm(b, c1, p, "bn_shared");
  // 2. A standalone BN on a graph input: nothing to fold into.
  const y2 = batchNorm(b, x, p, "bn_input");
  // 3. A BN after an Add.
  const y3 = batchNorm(b, b.op("Add", [x, x], {}, { name: "sum" }), p, "bn_add");
  // 4. Running mean fed at run time.
  const mean = b.input("mean", DataType.FLOAT, [2]);
  const c4 = b.op("Conv", [x, w()], {}, { name: "c4" });
  const y4 = b.op("BatchNormalization", [c4, b.constant(p.gamma, [2]), b.constant(p.beta, [2]), mean, b.constant(p.variance, [2])], {}, { name: "bn_fed" });
  // 5. Training mode.
  const c5 = b.op("Conv", [x, w()], {}, { name: "c5" });
  const y5 = b.op("BatchNormalization", [c5, b.constant(p.gamma, [2]), b.constant(p.beta, [2]), b.constant(p.mean, [2]), b.constant(p.variance, [2])], { training_mode: 1 }, { name: "bn_train" });
  // 6. A 3-D MatMul: axis 1 is the sequence, not the weight's columns.
  const seq = b.input("seq", DataType.FLOAT, ["batch", 2, 3]);
  const y6 = batchNorm(b, b.op("MatMul", [seq, b.constant(seededFloats(6, 2), [3, 2])]), p, "bn_seq");
  for (const [i, v] of [y1, side, y2, y3, y4, y5, y6].entries()) b.output(v, `out${i}`);

  const r = fold(model);
  assert.equal(r.applied, 0);
  const reasons = Object.fromEntries(r.skipped.map((s) => [s.node, s.reason]));
  assert.match(reasons.bn_shared!, /Conv output "c1_out" is also read by Relu "side"/);
  assert.match(reasons.bn_input!, /input "x" is not produced by a node/);
  assert.match(reasons.bn_add!, /input comes from Add "sum"; only BatchNormalization after Conv, ConvTranspose, Gemm or MatMul is folded/);
  assert.match(reasons.bn_fed!, /BatchNormalization input_mean "mean" is not a constant initializer/);
  assert.match(reasons.bn_train!, /training mode/);
  assert.match(reasons.bn_seq!, /MatMul input "seq" has rank 3/);
  assert.equal(r.skipped.length, 6);
  assert.equal(opCounts(model).BatchNormalization, 6);
});

test("a Conv whose weight is a graph input (an overridable initializer) is not folded", () => {
  const { model, builder: b } = createModel({ opset: 11 });
  const x = b.input("x", DataType.FLOAT, [1, 2, 4, 4]);
  const w = b.constant(seededFloats(4, 1), [2, 2, 1, 1], DataType.FLOAT, "w");
  model.graph.inputs.push(w); // old exporters list initializers as inputs too
  b.output(batchNorm(b, b.op("Conv", [x, w]), bnParams(2)), "y");
  const r = fold(model);
  assert.equal(r.applied, 0);
  assert.match(r.skipped[0]!.reason, /Conv weight "w" is a graph input/);
});
