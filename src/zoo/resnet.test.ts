import { test } from "node:test";
import assert from "node:assert/strict";
import { maxAbsDiff } from "../../test/helpers.js";
import { buildResNet, RESNET18 } from "./resnet.js";
import { RESNET_TINY } from "./catalog.js";
import { countInitializers } from "./count.js";
import { openSession } from "../runtime/session.js";
import type { RuntimeSession } from "../runtime/runtime.js";
import { Rng } from "./prng.js";

const TINY = RESNET_TINY;
const PIXELS = 3 * TINY.inputSize * TINY.inputSize;

function images(n: number, seed: number): Float32Array {
  return new Rng(seed).fillNormal(new Float32Array(n * PIXELS), 0, 1);
}

async function logits(s: RuntimeSession, data: Float32Array): Promise<Float32Array> {
  const n = data.length / PIXELS;
  const out = await s.run({ input: { type: "float32", dims: [n, 3, TINY.inputSize, TINY.inputSize], data } });
  assert.deepEqual(out.logits!.dims, [n, TINY.classes]);
  return out.logits!.data as Float32Array;
}


test("resnet18 has torchvision's parameter count and layout", () => {
  const model = buildResNet(RESNET18, { seed: 0 });
  const c = countInitializers(model);
  assert.equal(c.trainable, 11_689_512);
  assert.equal(c.buffers, 9_600);
  assert.equal(c.constants, 0);
  assert.equal(model.opset, 17);

  const g = model.graph;
  const count = (op: string) => g.nodes.filter((n) => n.opType === op).length;
  assert.equal(count("Conv"), 20); // stem + 16 block convs + 3 downsamples
  assert.equal(count("BatchNormalization"), 20);
  assert.equal(count("Relu"), 17);
  assert.equal(count("Add"), 8);
  assert.deepEqual([count("MaxPool"), count("GlobalAveragePool"), count("Flatten"), count("Gemm")], [1, 1, 1, 1]);
  for (const n of g.nodes) {
    if (n.opType === "BatchNormalization") assert.equal(n.inputs.length, 5);
    if (n.opType === "Conv") assert.equal(n.inputs.length, 2, "convs have no bias");
  }
  assert.equal(g.inputs.length, 1);
  assert.equal(g.inputs[0]!.name, "input");
  assert.deepEqual(g.inputs[0]!.shape, ["batch", 3, 224, 224]);
  assert.equal(g.outputs[0]!.name, "logits");
  assert.deepEqual(g.outputs[0]!.shape, ["batch", 1000]);
  const fc = g.nodes.find((n) => n.opType === "Gemm")!;
  assert.deepEqual(fc.attributes.get("transB"), { type: "int", value: 1 });
  assert.deepEqual(g.initializers.get("fc.weight")!.initializer!.dims, [1000, 512]);
  assert.deepEqual(g.initializers.get("layer2.0.downsample.0.weight")!.initializer!.dims, [128, 64, 1, 1]);
  const firstConv = g.nodes.find((n) => n.opType === "Conv")!;
  assert.deepEqual(firstConv.attributes.get("strides"), { type: "ints", value: [2, 2] });
  assert.deepEqual(firstConv.attributes.get("pads"), { type: "ints", value: [3, 3, 3, 3] });
});

test("resnet18 runs in ONNX Runtime with finite, input-dependent logits", async () => {
  const s = await openSession(buildResNet(RESNET18, { seed: 0 }), { threads: 2 });
  try {
    const data = new Rng(2).fillNormal(new Float32Array(2 * 3 * 224 * 224), 0, 1);
    const out = await s.run({ input: { type: "float32", dims: [2, 3, 224, 224], data } });
    const y = out.logits!.data as Float32Array;
    assert.deepEqual(out.logits!.dims, [2, 1000]);
    assert.ok(y.every(Number.isFinite));
    assert.ok(maxAbsDiff(y.subarray(0, 1000), y.subarray(1000)) > 1e-3);
  } finally {
    await s.release();
  }
});

test("running statistics and affine terms are not the identity", () => {
  const g = buildResNet(TINY, { seed: 0 }).graph;
  const stats = (name: string) => {
    const a = g.initializers.get(name)!.initializer!.toFloat32();
    return { min: Math.min(...a), max: Math.max(...a) };
  };
  const v = stats("bn1.running_var");
  assert.ok(v.min >= 0.5 && v.max <= 1.5 && v.max - v.min > 0.1);
  assert.ok(stats("bn1.running_mean").max > 0 && stats("bn1.running_mean").min < 0);
  assert.ok(stats("bn1.weight").max !== 1 && stats("bn1.bias").max !== 0);
});

test("resnet-tiny runs in ONNX Runtime with a symbolic batch", async () => {
  const s = await openSession(buildResNet(TINY, { seed: 0 }), { threads: 1 });
  try {
    const batch = images(3, 1);
    const all = await logits(s, batch);
    assert.ok(all.every(Number.isFinite));
    for (let i = 0; i < 3; i++) {
      const one = await logits(s, batch.subarray(i * PIXELS, (i + 1) * PIXELS));
      assert.ok(maxAbsDiff(one, all.subarray(i * TINY.classes, (i + 1) * TINY.classes)) <= 1e-5, `row ${i}`);
    }
    // Different images give different logits (by far more than the tolerance above).
    assert.ok(maxAbsDiff(all.subarray(0, 10), all.subarray(10, 20)) > 1e-3);
  } finally {
    await s.release();
  }
});

test("resnet-tiny is deterministic for a seed and changes with it", async () => {
  const x = images(2, 9);
  const run = async (seed: number) => {
    const s = await openSession(buildResNet(TINY, { seed }), { threads: 1 });
    try {
      return await logits(s, x);
    } finally {
      await s.release();
    }
  };
  const a = await run(42);
  assert.deepEqual(await run(42), a);
  assert.ok(maxAbsDiff(await run(43), a) > 1e-3);
});
