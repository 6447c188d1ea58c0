// End to end: converted models run in ONNX Runtime (CPU, which upcasts where it lacks float16
// kernels) and follow the float32 originals. Bounds are the measured values with ~3x margin.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { buildZooModel } from "../zoo/index.js";
import { loadModel } from "../ir/serde/load.js";
import { serializeModel } from "../ir/serde/save.js";
import { DataType } from "../ir/dtype.js";
import type { Model } from "../ir/model.js";
import { float32ToFloat16Bits } from "../ir/tensor/float16.js";
import type { HostTensor } from "../runtime/host-tensor.js";
import { openSession } from "../runtime/session.js";
import { planInputs, randomFeeds } from "../evaluate/random-inputs.js";
import { decodeIdx } from "../data/idx.js";
import { shared } from "../data/fixture-paths.js";
import { convertModelToFloat16 } from "./convert-model.js";
import { compareOutputs, type Agreement } from "./agreement.js";

interface Bounds {
  maxAbs: number;
  rel: number;
  top1: number;
}

function toHalf(feeds: Record<string, HostTensor>): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  for (const [k, t] of Object.entries(feeds)) {
    out[k] = t.type === "float32" ? { type: "float16", dims: t.dims, data: Uint16Array.from(t.data as Float32Array, float32ToFloat16Bits) } : t;
  }
  return out;
}

/** Runs both models on every batch and pools the first output's agreement over all of them. */
async function agreement(fp32: Model, fp16: Model, batches: Record<string, HostTensor>[], halfInputs: boolean): Promise<Agreement> {
  const [s32, s16] = [await openSession(fp32), await openSession(fp16)];
  const name = fp32.graph.outputs[0]!.name;
  let maxAbs = 0;
  let relSum = 0;
  let same = 0;
  let rows = 0;
  try {
    for (const feeds of batches) {
      const a = (await s32.run(feeds))[name]!;
      const b = (await s16.run(halfInputs ? toHalf(feeds) : feeds))[name]!;
      assert.equal(b.type, halfInputs ? "float16" : "float32");
      const c = compareOutputs(a, b);
      maxAbs = Math.max(maxAbs, c.maxAbsError);
      relSum += c.relativeError;
      same += c.top1Agreement * c.rows;
      rows += c.rows;
    }
  } finally {
    await s32.release();
    await s16.release();
  }
  return { maxAbsError: maxAbs, relativeError: relSum / batches.length, top1Agreement: same / rows, rows };
}

function check(t: { diagnostic(m: string): void }, label: string, a: Agreement, bounds: Bounds): void {
  t.diagnostic(`${label}: max abs ${a.maxAbsError.toExponential(2)}, rel ${a.relativeError.toExponential(2)}, top-1 ${a.top1Agreement.toFixed(4)} over ${a.rows} rows`);
  assert.ok(a.maxAbsError <= bounds.maxAbs, `${label}: max abs error ${a.maxAbsError} > ${bounds.maxAbs}`);
  assert.ok(a.relativeError <= bounds.rel, `${label}: relative error ${a.relativeError} > ${bounds.rel}`);
  assert.ok(a.top1Agreement >= bounds.top1, `${label}: top-1 agreement ${a.top1Agreement} < ${bounds.top1}`);
}

async function checkBothModes(t: { diagnostic(m: string): void }, label: string, load: () => Model, batches: Record<string, HostTensor>[], bounds: Bounds): Promise<void> {
  for (const keepIoTypes of [false, true]) {
    const fp16 = load();
    convertModelToFloat16(fp16, { keepIoTypes });
    const a = await agreement(load(), fp16, batches, !keepIoTypes);
    check(t, `${label}${keepIoTypes ? " (keepIoTypes)" : ""}`, a, bounds);
  }
}

function randomBatches(model: Model, dims: Record<string, number>, count: number): Record<string, HostTensor>[] {
  const { inputs } = planInputs(model, dims);
  return Array.from({ length: count }, (_, i) => randomFeeds(model, inputs, i + 1));
}

test("resnet-tiny (zoo) in float16 follows float32 on random inputs", async (t) => {
  const load = () => buildZooModel("resnet-tiny");
  await checkBothModes(t, "resnet-tiny", load, randomBatches(load(), { batch: 64 }, 8), { maxAbs: 1e-2, rel: 3e-3, top1: 0.99 });
});

test("bert-tiny (zoo) in float16 follows float32 on random tokens", async (t) => {
  const load = () => buildZooModel("bert-tiny");
  await checkBothModes(t, "bert-tiny", load, randomBatches(load(), { batch: 16, sequence: 32 }, 4), { maxAbs: 1.5e-3, rel: 2e-3, top1: 0.99 });
});

// The shared CNNs, on the first images of the test sets they were trained for.
const REAL = [
  { file: "mnist-12.onnx", data: "mnist", scale: (p: number) => p / 255, batch: 1, bounds: { maxAbs: 4e-2, rel: 1e-3, top1: 0.99 } },
  { file: "mnist-cnn-ruiyangju.onnx", data: "mnist", scale: (p: number) => p / 255, batch: 1, bounds: { maxAbs: 4e-2, rel: 1e-3, top1: 0.99 } },
  { file: "fmnist-cnn-edwin19.onnx", data: "fashion-mnist", scale: (p: number) => p / 255, batch: 64, bounds: { maxAbs: 5e-2, rel: 1e-3, top1: 0.99 } },
  { file: "fmnist-cnn-lazybogdi.onnx", data: "fashion-mnist", scale: (p: number) => (p / 255 - 0.5) / 0.5, batch: 64, bounds: { maxAbs: 5e-2, rel: 1e-3, top1: 0.99 } },
];
const IMAGES = 256;

for (const r of REAL) {
  const model = shared(`models/${r.file}`);
  const images = shared(`data/${r.data}/t10k-images-idx3-ubyte.gz`);
  test(`${r.file} in float16 follows float32 on ${IMAGES} test images`, { skip: model.skip || images.skip }, async (t) => {
    const pixels = decodeIdx(gunzipSync(readFileSync(images.path)), r.data).data;
    const load = () => loadModel(model.path);
    const input = load().graph.inputs[0]!.name;
    const batches: Record<string, HostTensor>[] = [];
    for (let start = 0; start < IMAGES; start += r.batch) {
      const data = Float32Array.from(pixels.subarray(start * 784, (start + r.batch) * 784), r.scale);
      batches.push({ [input]: { type: "float32", dims: [r.batch, 1, 28, 28], data } });
    }
    await checkBothModes(t, r.file, load, batches, r.bounds);
  });
}

test("float16 resnet18 serializes to at most 0.51x the float32 bytes", (t) => {
  const model = buildZooModel("resnet18");
  const before = serializeModel(model).byteLength;
  const stats = convertModelToFloat16(model);
  const after = serializeModel(model).byteLength;
  t.diagnostic(`resnet18: ${before} -> ${after} bytes (${(after / before).toFixed(4)}x), ${stats.convertedInitializers} initializers converted`);
  assert.ok(after <= 0.51 * before, `${after} > 0.51 x ${before}`);
  assert.equal(stats.clampedValues, 0);
  assert.ok([...model.graph.initializers.values()].every((v) => v.initializer!.dtype !== DataType.FLOAT));
});
