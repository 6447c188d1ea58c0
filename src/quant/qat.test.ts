import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import type { Model } from "../ir/model.js";
import { DataType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { cloneModel } from "../ir/serde/clone-model.js";
import { Rng } from "../zoo/prng.js";
import { memoryDataset } from "../data/memory-dataset.js";
import type { Dataset, Sample } from "../data/dataset.js";
import { openSession } from "../runtime/session.js";
import { runPasses } from "../passes/pass.js";
import { evaluateAccuracy } from "../evaluate/accuracy.js";
import { train } from "../train/trainer.js";
import { staticConfig } from "./config.js";
import { staticState } from "./passes/static-state.js";
import { fakeQuantPipeline } from "./pipelines.js";
import { prepareFloat, quantizeStatic } from "./static.js";
import { quantizeQat } from "./qat.js";
import { dequantizeValues, quantizeWeights } from "./math.js";
import { PAIR_LIMIT } from "./target.js";

const CLASSES = 4;

/**
 * x [batch, 1, 4, 4] → Conv 3×1×2×2 → BatchNormalization → Relu → Flatten → Gemm (transB 0,
 * weight [27, 4]: per-channel along axis 1) → logits. Conv channel 0 has a same-sign pair that
 * the portable pair limit binds, channel 1 a negative one, channel 2 a lone large value.
 */
function tinyCnn(o: { constantAdd?: boolean } = {}): Model {
  const rng = new Rng(5);
  const { model, builder: b } = createModel({ opset: 17, name: "tiny-cnn" });
  const x = b.input("x", DataType.FLOAT, ["batch", 1, 4, 4]);
  const t = (name: string, dims: number[], data: ArrayLike<number>) => b.initializer(name, Tensor.fromArray(DataType.FLOAT, dims, Float32Array.from(data)));
  const convW = t("conv.weight", [3, 1, 2, 2], [1, 0.95, 0.1, -0.3, -0.2, -0.9, -0.85, 0.4, 0.05, 1.2, -0.1, 0.2]);
  const convB = t("conv.bias", [3], [0.01, -0.02, 0.03]);
  const bn = [t("bn.weight", [3], [1.2, 0.8, 1]), t("bn.bias", [3], [0.1, 0, -0.1]), t("bn.running_mean", [3], [0.05, -0.1, 0]), t("bn.running_var", [3], [1.5, 0.7, 1])];
  const fcW = t("fc.weight", [27, CLASSES], Array.from({ length: 27 * CLASSES }, () => (rng.next() * 2 - 1) * 0.4));
  const fcB = t("fc.bias", [CLASSES], new Float32Array(CLASSES));
  const h = b.op("Relu", [b.op("BatchNormalization", [b.op("Conv", [x, convW, convB]), ...bn], { epsilon: 1e-5 })]);
  // A constant operand of a quantized Add is stored in the activation type: fixed fake quantization, not trained.
  const h2 = o.constantAdd ? b.op("Add", [h, t("shift", [1, 3, 1, 1], [0.3, -0.2, 0.05])]) : h;
  const logits = b.op("Gemm", [b.op("Flatten", [h2]), fcW, fcB]);
  logits.type = { kind: "tensor", dtype: DataType.FLOAT, shape: ["batch", CLASSES] };
  b.output(logits, "logits");
  return model;
}

/** The class says which 2×2 quadrant of the image is bright; noise everywhere. */
function quadrants(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const samples: Sample[] = Array.from({ length: n }, (_, i) => {
    const c = i % CLASSES;
    const x = Float32Array.from({ length: 16 }, (_, k) => {
      const quad = (Math.floor(k / 8) << 1) | (Math.floor((k % 4) / 2));
      return (quad === c ? 0.5 : 0) + rng.next() * 1.2;
    });
    return { inputs: { x: { type: "float32", dims: [1, 4, 4], data: x } }, label: c };
  });
  return memoryDataset(samples, { description: `${n} quadrant samples` });
}

const calibration = { observer: "minmax" as const, samples: 64, batchSize: 16 };

async function run(model: Model, feeds: Float32Array, n: number, outputs: string[]): Promise<Float32Array[]> {
  const s = await openSession(model);
  const r = await s.run({ x: { type: "float32", dims: [n, 1, 4, 4], data: feeds } }, outputs);
  await s.release();
  return outputs.map((o) => r[o]!.data as Float32Array);
}

function batchOf(ds: Dataset, n: number): Promise<Float32Array> {
  return Promise.all(Array.from({ length: n }, (_, i) => ds.get(i))).then((ss) => {
    const out = new Float32Array(n * 16);
    ss.forEach((s, i) => out.set(s.inputs.x!.data as Float32Array, i * 16));
    return out;
  });
}

test("fake-quantized weights equal QuantizeLinear∘DequantizeLinear with the export's portable per-channel scales", async () => {
  const model = tinyCnn();
  await prepareFloat(model); // BatchNorm folded into the Conv weight, as QAT trains it
  const folded = new Map([...model.graph.initializers].map(([k, v]) => [k, v.initializer!] as const));
  const state = staticState(staticConfig());
  await runPasses(model, fakeQuantPipeline(state, { data: quadrants(64, 1), calibration: { ...calibration, symmetric: false }, onReport: () => {} }));
  const g = model.graph;
  const conv = g.nodes.find((n) => n.opType === "Conv")!;
  const gemm = g.nodes.find((n) => n.opType === "Gemm")!;
  // Fetch the dequantized weights the Conv and Gemm read.
  const seen = [conv.input(1)!, gemm.input(1)!];
  for (const v of seen) {
    assert.equal(v.producer?.opType, "DequantizeLinear", `${v.name} is fake-quantized`);
    g.addOutput(v);
  }
  const x = await batchOf(quadrants(4, 2), 4);
  const [convW, fcW] = await run(model, x, 4, seen.map((v) => v.name));
  const expect = (name: string, axis: number, outputAxis: number) => {
    const t = folded.get(name)!;
    const q = quantizeWeights(t.toFloat32(), t.dims, axis, { qtype: "int8", symmetric: true, pairLimit: PAIR_LIMIT, outputAxis });
    const inner = t.dims.slice(axis + 1).reduce((a, d) => a * d, 1);
    const deq = new Float64Array(t.size);
    for (let i = 0; i < t.size; i++) deq[i] = dequantizeValues([q.values[i]!], q.params[Math.floor(i / inner) % t.dims[axis]!]!)[0]!;
    return { deq, params: q.params };
  };
  const c = expect(conv.input(1)!.producer!.input(0)!.producer!.input(0)!.name, 0, 0);
  // The pair limit binds on channels 0 and 1: their scale is the pair sum / 128, not absmax / 127.
  const foldedConv = folded.get(conv.input(1)!.producer!.input(0)!.producer!.input(0)!.name)!.toFloat32();
  assert.ok(c.params[0]!.scale > Math.abs(foldedConv[0]!) / 127 * 1.5, "pair-limited scale on channel 0");
  for (let i = 0; i < convW!.length; i++) assert.ok(Math.abs(convW![i]! - c.deq[i]!) <= 1e-6 * Math.max(1, Math.abs(c.deq[i]!)), `conv weight ${i}: ${convW![i]} vs ${c.deq[i]}`);
  const f = expect("fc.weight", 1, 1);
  for (let i = 0; i < fcW!.length; i++) assert.ok(Math.abs(fcW![i]! - f.deq[i]!) <= 1e-6, `fc weight ${i}: ${fcW![i]} vs ${f.deq[i]}`);
  // Activations: the static plan's Q/DQ, fused Relu folded into saturation.
  assert.ok(!g.nodes.some((n) => n.opType === "BatchNormalization"), "BatchNorm folded");
  assert.deepEqual(conv.output(0).uses.map((u) => u.node.opType), ["QuantizeLinear"], "the Relu after the Conv is folded into saturation");
  // Exactly where static quantization puts its activation Q/DQ.
  const ptq = tinyCnn();
  await quantizeStatic(ptq, quadrants(64, 1), { config: staticConfig(), calibration });
  const quantized = (m: Model) => m.graph.nodes.filter((n) => n.opType === "QuantizeLinear").map((n) => n.input(0)!.name.replace(/_float$/, "")).sort();
  const weightNames = new Set(seen.map((v) => v.producer!.input(0)!.producer!.input(0)!.name));
  assert.deepEqual(quantized(model).filter((n) => !weightNames.has(n)), quantized(ptq));
  assert.equal(quantized(ptq).length, 4, "x, Conv output, Flatten output (shared), logits");
});

for (const constantAdd of [false, true]) test(`QAT${constantAdd ? " (with a constant Add operand)" : ""}: the exported int8 model computes what the fake-quantized training graph computes, within one output step`, async () => {
  const model = tinyCnn({ constantAdd });
  const r = await quantizeQat(model, quadrants(128, 3), {
    config: staticConfig(),
    calibration,
    train: { optimizer: { kind: "sgd", momentum: 0.9 }, lr: 0.02, batchSize: 16, epochs: 1, seed: 1 },
  });
  assert.equal(r.train.step, 8);
  assert.deepEqual([...r.trained].sort(), r.trained.slice().sort());
  assert.ok(r.trained.includes("fc.weight") && r.trained.some((n) => n.includes("conv")), r.trained.join());
  assert.ok(!r.trained.some((n) => /scale|zero_point/.test(n)), "scales and zero points are never trained");
  assert.deepEqual(r.frozen, constantAdd ? ["shift"] : []);
  if (constantAdd) assert.ok(!r.trained.includes("shift"));
  assert.ok(model.graph.nodes.some((n) => n.opType === "DequantizeLinear" && n.input(0)!.initializer?.dtype === DataType.INT8), "int8 weights");
  assert.ok(!model.graph.nodes.some((n) => n.opType === "TopK"), "no scale computation left in the export");
  const n = 32;
  const x = await batchOf(quadrants(n, 4), n);
  const [exported] = await run(model, x, n, ["logits"]);
  const [fake] = await run(r.fakeQuant, x, n, ["logits"]);
  const out = model.graph.outputs[0]!.producer!; // DequantizeLinear of the logits
  const step = out.input(1)!.initializer!.toFloat32()[0]!;
  let exact = 0;
  for (let i = 0; i < exported!.length; i++) {
    const d = Math.abs(exported![i]! - fake![i]!);
    assert.ok(d <= step * 1.01, `logit ${i}: exported ${exported![i]} vs fake-quant ${fake![i]} (step ${step})`);
    if (d < step * 0.01) exact++;
  }
  assert.ok(exact >= exported!.length * 0.9, `${exact} of ${exported!.length} logits identical`);
});

test("a short QAT run does not lose accuracy against static PTQ of the same float model", async (t) => {
  // A float model trained briefly, then quantized both ways from the same weights.
  const trained = await train(tinyCnn(), quadrants(256, 6), { optimizer: { kind: "adamw" }, lr: 0.01, batchSize: 16, epochs: 2, seed: 2 });
  const evalSet = quadrants(400, 77);
  const float = await evaluateAccuracy(trained.model, evalSet);
  const ptq = cloneModel(trained.model);
  await quantizeStatic(ptq, quadrants(256, 6), { config: staticConfig(), calibration });
  const qat = cloneModel(trained.model);
  await quantizeQat(qat, quadrants(256, 6), { config: staticConfig(), calibration, train: { optimizer: { kind: "sgd", momentum: 0.9 }, lr: 0.005, batchSize: 16, epochs: 1, seed: 3 } });
  const [p, q] = [await evaluateAccuracy(ptq, evalSet), await evaluateAccuracy(qat, evalSet)];
  assert.ok(float.accuracy > 0.7, `float model learned the task (${float.accuracy})`);
  t.diagnostic(`float ${float.accuracy}, static ${p.accuracy}, QAT ${q.accuracy}`);
  assert.ok(q.accuracy >= p.accuracy, `QAT ${q.accuracy} vs static ${p.accuracy} (float ${float.accuracy})`);
});

test("one QAT step agrees between onnxruntime-node and onnxruntime-web (wasm)", async () => {
  const { buildStepGraph, allSlots } = await import("../train/step-graph.js");
  const { trainableParams } = await import("../train/trainable-params.js");
  const { assertNodeWebAgree } = await import("../train/testing/node-vs-web.js");
  const fq = tinyCnn();
  await prepareFloat(fq);
  const ds = quadrants(64, 3);
  let frozen: string[] = [];
  await runPasses(fq, fakeQuantPipeline(staticState(staticConfig()), { data: ds, calibration: { ...calibration, symmetric: false }, onReport: (r) => (frozen = r.frozen) }));
  const params = trainableParams(fq.graph, fq.graph.outputs[0]!, new Set(frozen));
  const sg = buildStepGraph(fq, { optimizer: { kind: "sgd", momentum: 0.9 }, batchSize: 8, params });
  assert.ok(sg.model.graph.nodes.some((n) => n.opType === "QuantizeLinear"), "the step graph fake-quantizes");
  const feeds = {
    ...Object.fromEntries(allSlots(sg).map((s) => [s.input, s.initial.toHost()])),
    x: { type: "float32" as const, dims: [8, 1, 4, 4], data: await batchOf(ds, 8) },
    labels: { type: "int64" as const, dims: [8], data: BigInt64Array.from({ length: 8 }, (_, i) => BigInt(i % CLASSES)) },
    [sg.lr]: { type: "float32" as const, dims: [], data: Float32Array.of(0.05) },
  };
  const outputs = [sg.lossOutput, ...allSlots(sg).map((s) => s.output)];
  const node = await assertNodeWebAgree(sg.model, feeds, outputs);
  const moved = sg.params.filter((p) => (node[p.output]!.data as Float32Array).some((v, i) => v !== (feeds[p.input]!.data as Float32Array)[i]));
  assert.equal(moved.length, sg.params.length, "every trained weight took a step");
});
