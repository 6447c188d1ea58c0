// The u8×s8 pair saturation of x86 int8 kernels without VNNI, modelled in integer math here:
// the old full-range weights saturate on mnist-12's first Conv with real digits, the portable
// default cannot saturate on any model we ship or test against, and, where this CPU's kernels
// do saturate, ONNX Runtime itself agrees with both statements.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor/tensor.js";
import type { Model } from "../ir/model.js";
import type { Node } from "../ir/node.js";
import { loadModel, parseModel } from "../ir/serde/load.js";
import { serializeModel } from "../ir/serde/save.js";
import { openSession } from "../runtime/session.js";
import { webRuntime } from "../runtime/web.js";
import { openDataset } from "../data/open-dataset.js";
import { randomDataset } from "../data/random-dataset.js";
import { takeFirst } from "../data/take-first.js";
import { buildZooModel } from "../zoo/index.js";
import { quantizeStatic } from "./static.js";
import { quantizeDynamic } from "./dynamic.js";
import { prepareFloat } from "./static.js";
import { staticConfig } from "./config.js";
import { dynamicConfig } from "./dynamic-config.js";
import { probeInt8Kernels } from "./kernel-probe.js";
import type { Target } from "./target.js";
import { SKIP_SHARED, sharedModel, SHARED } from "../../test/helpers.js";

const INT16_MAX = 32767;
const sat16 = (x: number) => (x > INT16_MAX ? INT16_MAX : x < -INT16_MAX - 1 ? -INT16_MAX - 1 : x);

/**
 * Reference of the AVX2 u8×s8 dot product: products of adjacent reduction elements (0,1), (2,3), …
 * are summed in a saturating int16, the pair sums then in int32. Returns the result and how many
 * pairs clipped.
 */
function saturatingDot(a: ArrayLike<number>, w: ArrayLike<number>): { sum: number; exact: number; clipped: number } {
  let sum = 0;
  let exact = 0;
  let clipped = 0;
  for (let k = 0; k < a.length; k += 2) {
    const pair = a[k]! * w[k]! + (k + 1 < a.length ? a[k + 1]! * w[k + 1]! : 0);
    const s = sat16(pair);
    if (s !== pair) clipped++;
    sum += s;
    exact += pair;
  }
  return { sum, exact, clipped };
}

test("the pairwise-saturating reference clips exactly where int16 overflows", () => {
  assert.deepEqual(saturatingDot([255, 255], [64, 64]), { sum: 32640, exact: 32640, clipped: 0 });
  assert.deepEqual(saturatingDot([255, 255], [64, 65]), { sum: 32767, exact: 32895, clipped: 1 });
  assert.deepEqual(saturatingDot([255, 255, 255], [-127, -127, 5]), { sum: -32768 + 1275, exact: -64770 + 1275, clipped: 1 });
});

/** A model holding only mnist-12's first Conv (8 filters, 5×5, one input channel, SAME padding). */
function firstConvOfMnist12(): Model {
  const src = loadModel(sharedModel("mnist-12.onnx"));
  const conv = src.graph.nodes[0]!;
  const w = src.graph.constantValue(conv.input(1))!;
  const { model, builder: b } = createModel({ opset: 13 });
  const x = b.input("Input3", DataType.FLOAT, [1, 1, 28, 28]);
  const wv = b.initializer("W", w);
  b.output(b.op("Conv", [x, wv], { kernel_shape: [5, 5], auto_pad: "SAME_UPPER" }), "y");
  return model;
}

interface ConvQuant {
  x: { scale: number; zp: number };
  y: { scale: number; zp: number };
  w: Int8Array;
  wScale: Float32Array;
}

function scalarOf(m: Model, n: Node, i: number): number {
  return m.graph.constantValue(n.input(i))!.toFloat64()[0]!;
}

/** Reads the quantization parameters a static run chose for the one-Conv model. */
function convQuant(m: Model): ConvQuant {
  const g = m.graph;
  const conv = g.nodes.find((n) => n.opType === "Conv")!;
  const dqx = conv.input(0)!.producer!;
  const dqw = conv.input(1)!.producer!;
  const qy = conv.output(0).uses.find((u) => u.node.opType === "QuantizeLinear")!.node;
  return {
    x: { scale: scalarOf(m, dqx, 1), zp: scalarOf(m, dqx, 2) },
    y: { scale: scalarOf(m, qy, 1), zp: scalarOf(m, qy, 2) },
    w: g.constantValue(dqw.input(0))!.toArray() as Int8Array,
    wScale: Float32Array.from(g.constantValue(dqw.input(1))!.toFloat64()),
  };
}

/** Integer Conv on one 28×28 image, reduction in the kernel's order (taps row by row; one channel). */
function refConv(q: ConvQuant, image: Float32Array): { exact: Float64Array; saturated: Float64Array; clipped: number } {
  const xq = Float64Array.from(image, (v) => Math.min(255, Math.max(0, Math.round(v / q.x.scale) + q.x.zp)));
  const exact = new Float64Array(8 * 784);
  const saturated = new Float64Array(8 * 784);
  let clipped = 0;
  const a = new Float64Array(25);
  for (let c = 0; c < 8; c++) {
    const w = q.w.subarray(c * 25, c * 25 + 25);
    let wsum = 0;
    for (const v of w) wsum += v;
    for (let oy = 0; oy < 28; oy++)
      for (let ox = 0; ox < 28; ox++) {
        for (let ky = 0; ky < 5; ky++)
          for (let kx = 0; kx < 5; kx++) {
            const iy = oy + ky - 2;
            const ix = ox + kx - 2;
            a[ky * 5 + kx] = iy >= 0 && iy < 28 && ix >= 0 && ix < 28 ? xq[iy * 28 + ix]! : q.x.zp;
          }
        const d = saturatingDot(a, w);
        clipped += d.clipped;
        const deq = (acc: number) => {
          const real = (acc - q.x.zp * wsum) * q.x.scale * q.wScale[c]!;
          const yq = Math.min(255, Math.max(0, Math.round(real / q.y.scale) + q.y.zp));
          return (yq - q.y.zp) * q.y.scale;
        };
        exact[c * 784 + oy * 28 + ox] = deq(d.exact);
        saturated[c * 784 + oy * 28 + ox] = deq(d.sum);
      }
  }
  return { exact, saturated, clipped };
}

async function mnistImages(n: number): Promise<Float32Array[]> {
  const ds = await openDataset(join(SHARED, "data", "mnist", "t10k-images-idx3-ubyte.gz"));
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i++) out.push((await ds.get(i)).inputs[Object.keys((await ds.get(i)).inputs)[0]!]!.data as Float32Array);
  return out;
}

async function quantizedFirstConv(target: Target, images: Float32Array[]): Promise<Model> {
  const m = firstConvOfMnist12();
  const ds = {
    description: "mnist digits",
    size: images.length,
    inputNames: ["Input3"],
    hasLabels: false,
    get: async (i: number) => ({ inputs: { Input3: { type: "float32" as const, dims: [1, 28, 28], data: images[i]! } } }),
  };
  await quantizeStatic(m, ds, { config: staticConfig({ target, fuseActivations: false }), calibration: { observer: "minmax", samples: images.length } });
  return m;
}

test("mnist-12's first Conv: full-range weights saturate on real digits, the portable default never does", { skip: SKIP_SHARED }, async (t) => {
  const images = await mnistImages(64);
  const full = convQuant(await quantizedFirstConv("vnni", images));
  const portable = convQuant(await quantizedFirstConv("portable", images));
  let fullClipped = 0;
  let portableClipped = 0;
  for (const img of images.slice(0, 16)) {
    fullClipped += refConv(full, img).clipped;
    portableClipped += refConv(portable, img).clipped;
  }
  t.diagnostic(`pair sums clipped on 16 digits: ${fullClipped} with full-range weights, ${portableClipped} portable`);
  assert.ok(fullClipped > 100, `full-range weights clip ${fullClipped} pair sums on 16 digits`);
  assert.equal(portableClipped, 0);
});

test("where this CPU's int8 kernels saturate, ONNX Runtime computes what the saturating reference predicts", { skip: SKIP_SHARED }, async (t) => {
  const probe = await probeInt8Kernels();
  if (!probe.find((p) => p.op === "QLinearConv")!.saturates) return t.skip("this CPU's u8×s8 Conv kernel does not saturate (VNNI, AMX or ARM): nothing to reproduce");
  const images = await mnistImages(16);
  for (const target of ["vnni", "portable"] as const) {
    const m = await quantizedFirstConv(target, images);
    const q = convQuant(m);
    const s = await openSession(m, { threads: 1 });
    let offExact = 0;
    let offSaturated = 0;
    for (const img of images) {
      const y = (await s.run({ Input3: { type: "float32", dims: [1, 1, 28, 28], data: img } })).y!.data as Float32Array;
      const r = refConv(q, img);
      for (let i = 0; i < y.length; i++) {
        if (Math.abs(y[i]! - r.exact[i]!) > q.y.scale * 1.01) offExact++;
        if (Math.abs(y[i]! - r.saturated[i]!) > q.y.scale * 1.01) offSaturated++;
      }
    }
    await s.release();
    t.diagnostic(`${target}: ${offExact} of ${images.length * 8 * 784} outputs off exact integer math, ${offSaturated} off the saturating reference`);
    if (target === "vnni") {
      assert.ok(offExact > 100, `full-range weights: ${offExact} outputs differ from exact integer math`);
      assert.ok(offSaturated < offExact / 20, `the saturating reference explains ORT's output (${offSaturated} vs ${offExact} off)`);
    } else assert.equal(offExact, 0, "portable weights: ORT equals exact integer math");
  }
});

/** Output axis of an integer-GEMM weight: the elements one output sums over are one slice. */
function outputAxis(n: Node, dims: readonly number[]): number {
  if (n.opType === "Conv" || n.opType === "ConvInteger") return 0;
  if (n.opType === "ConvTranspose") return 1;
  if (n.opType === "Gemm") return n.getInt("transB", 0) ? 0 : 1;
  return dims.length - 1; // MatMul, MatMulInteger: B is [..., K, N]
}

/** Largest same-sign pair of quantized weights any one output can form, over every u8×s8 GEMM weight of the model. */
function worstPair(m: Model): { worst: number; weights: number } {
  const g = m.graph;
  let worst = 0;
  let weights = 0;
  for (const n of g.nodes) {
    const gemm = ["Conv", "ConvTranspose", "Gemm", "MatMul", "MatMulInteger", "ConvInteger"].includes(n.opType);
    if (!gemm) continue;
    let src = n.input(1);
    if (src?.producer?.opType === "DequantizeLinear") src = src.producer.input(0);
    const t = src ? g.constantValue(src) : null;
    if (!t || t.dtype !== DataType.INT8) continue;
    const group = n.getInt("group", 1);
    if (n.opType === "Conv" && group > 1 && t.dims[1] === 1 && t.dims[0] === group) continue; // depthwise kernel: 16-bit products
    weights++;
    const v = t.toArray() as Int8Array;
    const axis = outputAxis(n, t.dims);
    const inner = t.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
    const channels = t.dims[axis]!;
    const outer = v.length / (inner * channels);
    for (let c = 0; c < channels; c++) {
      const pos: number[] = [];
      const neg: number[] = [];
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < inner; i++) {
          const x = v[(o * channels + c) * inner + i]!;
          (x > 0 ? pos : neg).push(Math.abs(x));
        }
      for (const side of [pos, neg]) {
        side.sort((a, b) => b - a);
        worst = Math.max(worst, (side[0] ?? 0) + (side[1] ?? 0));
      }
    }
  }
  return { worst, weights };
}

const copy = (m: Model) => parseModel(serializeModel(m));

function corpus(): { name: string; model: () => Model }[] {
  const list: { name: string; model: () => Model }[] = [
    { name: "zoo resnet-tiny", model: () => buildZooModel("resnet-tiny") },
    { name: "zoo bert-tiny", model: () => buildZooModel("bert-tiny") },
  ];
  for (const f of readdirSync("models").filter((f) => f.endsWith(".onnx"))) list.push({ name: `models/${f}`, model: () => loadModel(join("models", f)) });
  const shared = join(SHARED, "models");
  if (existsSync(shared)) for (const f of readdirSync(shared).filter((f) => f.endsWith(".onnx"))) list.push({ name: f, model: () => loadModel(join(shared, f)) });
  return list;
}

test("the portable default keeps every same-sign weight pair within ±128 (255·128 ≤ 32767) on every model", async () => {
  for (const { name, model } of corpus()) {
    const float = model();
    const st = copy(float);
    await quantizeStatic(st, takeFirst(randomDataset(float, 4, { batch: 1, sequence: 16 }), 4), { config: staticConfig(), calibration: { observer: "minmax", samples: 4 } });
    const s = worstPair(st);
    assert.ok(s.weights > 0, `${name}: static quantized no GEMM weight`);
    assert.ok(s.worst <= 128, `${name} static: a weight pair sums to ${s.worst}`);
    const dy = copy(float);
    await prepareFloat(dy);
    await quantizeDynamic(dy, dynamicConfig({ conv: "integer" }));
    const d = worstPair(dy);
    assert.ok(d.worst <= 128, `${name} dynamic: a weight pair sums to ${d.worst}`);
    // The guarantee is not vacuous: full-range weights do exceed it on the same model.
    const full = copy(float);
    await quantizeStatic(full, takeFirst(randomDataset(float, 4, { batch: 1, sequence: 16 }), 4), { config: staticConfig({ target: "vnni" }), calibration: { observer: "minmax", samples: 4 } });
    assert.ok(worstPair(full).worst > 128, `${name}: full-range weights stay within the limit too`);
  }
});

test("the kernel probe: this CPU's pair limit is exactly ±128 where it saturates; onnxruntime-web never saturates", async (t) => {
  const web = await probeInt8Kernels(await webRuntime());
  for (const p of web) assert.equal(p.saturates, false, `${p.op} on onnxruntime-web: ${p.got} for ${p.exact}`);
  const node = await probeInt8Kernels();
  assert.equal(node.find((p) => p.op === "QLinearConv-depthwise")!.saturates, false, "the depthwise kernel widens before multiplying");
  if (!node.some((p) => p.saturates)) return t.skip("this CPU's u8×s8 kernels do not saturate (VNNI, AMX or ARM)");
  // 255·(64+64) = 32640 fits int16, 255·(64+65) = 32895 does not.
  for (const [w0, w1, clips] of [[64, 64, false], [64, 65, true], [-64, -64, false], [-64, -65, true]] as const) {
    const { model, builder: b } = createModel({ opset: 13 });
    const a = b.input("a", DataType.UINT8, [1, 64]);
    const wv = new Int8Array(64 * 8);
    for (let k = 0; k < 64; k++) wv.fill(k % 2 ? w1 : w0, k * 8, k * 8 + 8);
    const w = b.initializer("w", Tensor.fromArray(DataType.INT8, [64, 8], wv));
    b.output(b.op("MatMulInteger", [a, w]), "y");
    const s = await openSession(model, { threads: 1 });
    const y = (await s.run({ a: { type: "uint8", dims: [1, 64], data: new Uint8Array(64).fill(255) } })).y!.data as Int32Array;
    await s.release();
    const exact = 255 * 32 * (w0 + w1);
    assert.equal(y[0] !== exact, clips, `weights ${w0},${w1}: ${y[0]} vs exact ${exact}`);
  }
});
