import { test } from "node:test";
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rmSync } from "node:fs";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { buildZooModel } from "../zoo/index.js";
import { parseModel, loadModel } from "../ir/serde/load.js";
import { serializeModel } from "../ir/serde/save.js";
import { openSession } from "../runtime/session.js";
import { randomDataset } from "../data/random-dataset.js";
import { memoryDataset } from "../data/memory-dataset.js";
import { quantizeStatic } from "./static.js";
import { staticConfig } from "./config.js";
import { compareModels } from "../verify/compare.js";
import { inspectModel } from "../inspect/inspect.js";
import { qparamsFromRange, quantizeValues, dequantizeValues } from "./math.js";

const copy = (m: ReturnType<typeof buildZooModel>) => parseModel(serializeModel(m));

test("static QDQ on resnet-tiny: ORT fuses every Conv into QLinearConv, output close to float", async () => {
  const float = buildZooModel("resnet-tiny");
  const q = copy(float);
  const ds = randomDataset(float, 16);
  const report = await quantizeStatic(q, ds, { config: staticConfig(), calibration: { observer: "minmax", samples: 16 } });
  assert.equal(report.quantizedNodes.Conv, inspectModel(float).opTypes.Conv);
  assert.equal(inspectModel(q).opTypes.BatchNormalization, undefined, "BatchNorm folded before quantizing");
  assert.ok(report.materialized.fusedActivations > 0, "Relus folded into saturation");
  const opt = join(tmpdir(), `quanta-opt-${process.pid}.onnx`);
  try {
    const s = await openSession(q, { optimizedModelPath: opt });
    await s.release();
    const ops = inspectModel(loadModel(opt)).opTypes;
    assert.equal(ops["com.microsoft.QLinearConv"] ?? ops.QLinearConv, report.quantizedNodes.Conv, JSON.stringify(ops));
    assert.equal(ops.Conv, undefined, "no float Conv left after ORT's QDQ fusion");
  } finally {
    rmSync(opt, { force: true });
  }
  const cmp = await compareModels(float, q, randomDataset(float, 8), { samples: 8 });
  assert.ok(cmp.sqnrDb > 25, `SQNR ${cmp.sqnrDb}`);
});

test("QOperator form matches the QDQ form and contains QLinear ops", async () => {
  const float = buildZooModel("resnet-tiny");
  const ds = randomDataset(float, 8);
  const qdq = copy(float);
  await quantizeStatic(qdq, ds, { config: staticConfig(), calibration: { observer: "minmax", samples: 8 } });
  const qop = copy(float);
  const r = await quantizeStatic(qop, ds, { config: staticConfig({ format: "qop" }), calibration: { observer: "minmax", samples: 8 } });
  const ops = inspectModel(qop).opTypes;
  assert.equal(ops.QLinearConv, r.quantizedNodes.Conv);
  assert.equal(ops.Conv, undefined);
  assert.ok(qop.opsets.get("com.microsoft"), "contrib ops imported");
  const cmp = await compareModels(qdq, qop, randomDataset(float, 4), { samples: 4 });
  assert.ok(cmp.sqnrDb > 40, `QOp vs QDQ SQNR ${cmp.sqnrDb}`);
});

test("a quantized Conv computes what float64 fake quantization predicts", async () => {
  // x: [1,1,4,4] in [0,1]; w: [2,1,3,3]; calibration sees exactly the values used below.
  const { model, builder: b } = createModel({ opset: 13 });
  const x = b.input("x", DataType.FLOAT, [1, 1, 4, 4]);
  const wv = Array.from({ length: 18 }, (_, i) => Math.sin(i + 1) * 0.5);
  const w = b.initializer("w", Tensor.fromArray(DataType.FLOAT, [2, 1, 3, 3], wv));
  const bias = b.initializer("b", Tensor.fromArray(DataType.FLOAT, [2], [0.1, -0.2]));
  b.output(b.op("Conv", [x, w, bias], { pads: [1, 1, 1, 1] }), "y");
  const xv = Float32Array.from({ length: 16 }, (_, i) => ((i * 5) % 16) / 15);
  const float = copy(model);
  const ds = memoryDataset([{ inputs: { x: { type: "float32", dims: [1, 4, 4], data: xv } } }]);
  await quantizeStatic(model, ds, { config: staticConfig({ fuseActivations: false }), calibration: { observer: "minmax", samples: 1 } });
  const y = (await (await openSession(model)).run({ x: { type: "float32", dims: [1, 1, 4, 4], data: xv } })).y!.data as Float32Array;
  const yf = (await (await openSession(float)).run({ x: { type: "float32", dims: [1, 1, 4, 4], data: xv } })).y!.data as Float32Array;
  // float64 simulation: quantize x (uint8 asymmetric over its range), w per channel (int8 symmetric), bias int32.
  const px = qparamsFromRange(Math.min(...xv), Math.max(...xv), { qtype: "uint8", symmetric: false });
  const xq = dequantizeValues(quantizeValues(xv, px, "uint8"), px);
  const out = new Float64Array(32);
  for (let c = 0; c < 2; c++) {
    const wc = wv.slice(c * 9, c * 9 + 9);
    // The portable default: the 8-bit scale, widened so that the two largest same-sign weights
    // sum to at most 128 steps (255·128 fits the int16 pair sums of x86 kernels without VNNI).
    const pos = wc.filter((v) => v > 0).sort((a, b) => b - a);
    const neg = wc.filter((v) => v < 0).map((v) => -v).sort((a, b) => b - a);
    const pair = Math.max((pos[0] ?? 0) + (pos[1] ?? 0), (neg[0] ?? 0) + (neg[1] ?? 0));
    const p8 = qparamsFromRange(Math.min(...wc), Math.max(...wc), { qtype: "int8", symmetric: true });
    const pw = { scale: Math.max(p8.scale, Math.fround(pair / 128)), zeroPoint: 0 };
    const wi = quantizeValues(wc, pw, "int8");
    const ints = [...wi].sort((a, b) => b - a);
    assert.ok(ints[0]! + ints[1]! <= 128 && -(ints.at(-1)! + ints.at(-2)!) <= 128, `pair bound holds: ${ints}`);
    const wq = dequantizeValues(wi, pw);
    const bs = Math.fround(px.scale * pw.scale);
    const bq = Math.round([0.1, -0.2][c]! / bs) * bs;
    for (let oy = 0; oy < 4; oy++)
      for (let ox = 0; ox < 4; ox++) {
        let acc = bq;
        for (let ky = 0; ky < 3; ky++)
          for (let kx = 0; kx < 3; kx++) {
            const iy = oy + ky - 1;
            const ix = ox + kx - 1;
            if (iy >= 0 && iy < 4 && ix >= 0 && ix < 4) acc += wq[ky * 3 + kx]! * xq[iy * 4 + ix]!;
          }
        out[c * 16 + oy * 4 + ox] = acc;
      }
  }
  // The output is quantized with the range of the float output: expect at most one output step of difference.
  const py = qparamsFromRange(Math.min(...yf), Math.max(...yf), { qtype: "uint8", symmetric: false });
  const expected = dequantizeValues(quantizeValues(out, py, "uint8"), py);
  for (let i = 0; i < 32; i++) assert.ok(Math.abs(y[i]! - expected[i]!) <= py.scale * 1.01, `element ${i}: ${y[i]} vs ${expected[i]} (step ${py.scale})`);
});

test("16-bit activations and weights (contrib Q/DQ before opset 21) are far more precise than 8-bit", async () => {
  const float = buildZooModel("resnet-tiny");
  const ds = randomDataset(float, 8);
  const q8 = copy(float);
  await quantizeStatic(q8, ds, { config: staticConfig(), calibration: { observer: "minmax", samples: 8 } });
  const q16 = copy(float);
  await quantizeStatic(q16, ds, { config: staticConfig({ activationType: "uint16", weightType: "int16" }), calibration: { observer: "minmax", samples: 8 } });
  assert.equal(q16.opsets.get("com.microsoft"), 1);
  const s8 = (await compareModels(float, q8, randomDataset(float, 4), { samples: 4 })).sqnrDb;
  const s16 = (await compareModels(float, q16, randomDataset(float, 4), { samples: 4 })).sqnrDb;
  assert.ok(s16 > s8 + 25, `int16 ${s16} dB vs int8 ${s8} dB`);
});

test("the QDQ graph is valid unfused: with ONNX Runtime's optimizations off it runs and agrees with the fused int8 run", async () => {
  // Optimizations off, every Q/DQ node runs as specified (a per-channel DequantizeLinear must name
  // an axis whose size matches its scales); a non-saturating int8 kernel computes the same math.
  const { model, builder: b } = createModel({ opset: 13 });
  const x = b.input("x", DataType.FLOAT, ["batch", 16]);
  const w = b.initializer("w", Tensor.fromArray(DataType.FLOAT, [16, 4], Array.from({ length: 64 }, (_, i) => Math.cos(i) * 0.3)));
  const bias = b.initializer("bias", Tensor.fromArray(DataType.FLOAT, [1, 4], [0.1, -0.2, 0.3, 0.05])); // 2-D, as mnist-12's Gemm bias
  b.output(b.op("Gemm", [x, w, bias]), "y");
  const float = copy(model);
  const ds = randomDataset(float, 8);
  await quantizeStatic(model, ds, { config: staticConfig(), calibration: { observer: "minmax", samples: 8 } });
  const feeds = { x: { type: "float32" as const, dims: [2, 16], data: Float32Array.from({ length: 32 }, (_, i) => Math.sin(i)) } };
  const fused = (await (await openSession(model)).run(feeds)).y!.data as Float32Array;
  const unfused = (await (await openSession(model, { optimizationLevel: "disabled" })).run(feeds)).y!.data as Float32Array;
  const step = Math.max(...fused.map(Math.abs)) / 100;
  for (let i = 0; i < fused.length; i++) assert.ok(Math.abs(fused[i]! - unfused[i]!) < step, `${i}: ${fused[i]} vs ${unfused[i]}`);
});

test("nodes listed out of order (valid ONNX) quantize, convert and fuse like sorted ones", async () => {
  const { convertModelToFloat16 } = await import("../fp16/index.js");
  const { quantizeDynamic } = await import("./dynamic.js");
  const { prepareFloat } = await import("./static.js");
  const { dynamicConfig } = await import("./dynamic-config.js");
  const float = buildZooModel("resnet-tiny");
  const shuffled = () => {
    const m = copy(float);
    m.graph.nodes.reverse(); // a Relu now comes before the Conv it would be folded into
    return parseModel(serializeModel(m));
  };
  const ds = randomDataset(float, 4);
  const s = shuffled();
  await quantizeStatic(s, ds, { config: staticConfig(), calibration: { observer: "minmax", samples: 4 } });
  const d = shuffled();
  await prepareFloat(d);
  await quantizeDynamic(d, dynamicConfig({}));
  const h = shuffled();
  convertModelToFloat16(h, { keepIoTypes: true });
  for (const m of [s, d, h]) {
    const cmp = await compareModels(float, m, randomDataset(float, 2), { samples: 2 });
    assert.ok(cmp.sqnrDb > 25, `SQNR ${cmp.sqnrDb}`);
  }
});

test("a weight read first inside an If branch gets its DequantizeLinear in the outer graph, before the If", async () => {
  const { attr } = await import("../ir/attribute.js");
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["batch", 8]);
  const w = b.initializer("w", Tensor.fromArray(DataType.FLOAT, [8, 8], Float32Array.from({ length: 64 }, (_, i) => Math.sin(i))));
  const cond = b.op("Greater", [b.op("ReduceSum", [x], { keepdims: attr.int(0) }), b.constant([0], [], DataType.FLOAT, "zero")]);
  const branch = (name: string, op: string) => {
    const g = model.graph.createSubgraph(name);
    const out = g.addNode(op, [g.addNode("MatMul", [x, w], {}, { name: `${name}_mm` }).output(0)]).output(0);
    out.type = { kind: "tensor", dtype: DataType.FLOAT, shape: ["batch", 8] };
    g.addOutput(out);
    return g;
  };
  // The branches read w before the main graph's MatMul does (w.uses[0] is inside a subgraph).
  const y = model.graph.addNode("If", [cond], { then_branch: attr.graph(branch("then", "Relu")), else_branch: attr.graph(branch("else", "Neg")) }).output(0);
  b.output(b.op("Add", [y, b.op("MatMul", [x, w], {}, { name: "outer_mm" })]), "y");
  const float = parseModel(serializeModel(model));
  await quantizeStatic(model, randomDataset(float, 4), { config: staticConfig(), calibration: { observer: "minmax", samples: 4 } });
  const nodes = model.graph.nodes.map((n) => n.opType);
  assert.ok(nodes.indexOf("DequantizeLinear") < nodes.indexOf("If"), nodes.join(","));
  const cmp = await compareModels(float, model, randomDataset(float, 2), { samples: 2 });
  assert.ok(cmp.sqnrDb > 20, `SQNR ${cmp.sqnrDb}`);
});
