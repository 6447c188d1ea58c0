import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, symlinkSync, mkdirSync, existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fromBinary, equals, toBinary, create } from "@bufbuild/protobuf";
import { ModelProtoSchema, TensorProto_DataLocation, StringStringEntryProtoSchema } from "./gen/onnx/onnx_pb.js";
import { loadModel, parseModel } from "./load.js";
import { saveModel, serializeModel } from "./save.js";
import { createModel } from "../builder.js";
import { Tensor } from "../tensor/tensor.js";
import { DataType } from "../dtype.js";
import { openSession } from "../../runtime/session.js";
import type { Model } from "../model.js";
import type { HostTensor } from "../../runtime/host-tensor.js";
import { QuantaError } from "../../errors.js";
import { SKIP_SHARED, sharedModel, tempDir } from "../../../test/helpers.js";

const REAL = ["mnist-12.onnx", "mnist-cnn-ruiyangju.onnx", "fmnist-cnn-edwin19.onnx", "fmnist-cnn-lazybogdi.onnx"];

function randomFeeds(model: Model, seed = 1): Record<string, HostTensor> {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const feeds: Record<string, HostTensor> = {};
  for (const v of model.graph.inputs) {
    if (v.initializer) continue;
    const dims = v.shape!.map((d) => (typeof d === "number" ? d : 2));
    const n = dims.reduce((a, b) => a * b, 1);
    feeds[v.name] = { type: "float32", dims, data: Float32Array.from({ length: n }, rnd) };
  }
  return feeds;
}

async function runAll(model: Model, feeds: Record<string, HostTensor>): Promise<Record<string, HostTensor>> {
  const s = await openSession(model, { optimizationLevel: "disabled" });
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

for (const file of REAL) {
  test(`round-trip ${file}: equal message and bit-identical ONNX Runtime outputs`, { skip: SKIP_SHARED }, async () => {
    const path = sharedModel(file);
    const original = readFileSync(path);
    const model = loadModel(path);
    const saved = serializeModel(model);
    assert.ok(equals(ModelProtoSchema, fromBinary(ModelProtoSchema, original), fromBinary(ModelProtoSchema, saved)), "decoded messages differ");
    const feeds = randomFeeds(model);
    const a = await runAll(parseModel(original), feeds);
    const b = await runAll(parseModel(saved), feeds);
    for (const k of Object.keys(a)) assert.deepEqual(Buffer.from(b[k]!.data.buffer), Buffer.from(a[k]!.data.buffer), k);
  });
}

function smallModel(): Model {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["batch", 4]);
  const w = b.initializer("w", Tensor.fromArray(DataType.FLOAT, [4, 300], Float32Array.from({ length: 1200 }, (_, i) => Math.sin(i))));
  const bias = b.initializer("bias", Tensor.fromArray(DataType.FLOAT, [300], Float32Array.from({ length: 300 }, (_, i) => i / 300)));
  const y = b.op("Add", [b.op("MatMul", [x, w]), bias]);
  b.output(b.op("Relu", [y]), "y");
  return model;
}

test("external data: written to a side file, read lazily, same outputs as inline", async () => {
  const dir = tempDir();
  const model = smallModel();
  const path = join(dir, "m.onnx");
  const res = saveModel(model, path, { externalData: true, sizeThreshold: 1000 });
  assert.ok(existsSync(join(dir, "m.onnx.data")));
  assert.equal(res.externalBytes, 4800 + 1200); // w (4800 bytes, already 64-aligned), then bias
  assert.ok(statSync(path).size < 1000, "the model file itself stays small");
  const loaded = loadModel(path);
  const w = loaded.graph.initializers.get("w")!.initializer!;
  assert.equal(w.isExternal, true, "weights stay on disk until read");
  assert.deepEqual(w.toFloat32(), model.graph.initializers.get("w")!.initializer!.toFloat32());
  const feeds = { x: { type: "float32" as const, dims: [2, 4], data: Float32Array.from([1, 2, 3, 4, -1, 0.5, 0, 2]) } };
  const a = await runAll(model, feeds);
  const b = await runAll(loaded, feeds);
  assert.deepEqual(b.y!.data, a.y!.data);
  // Re-saving an external model into another folder copies its data; no temp files remain.
  const dir2 = tempDir();
  saveModel(loaded, join(dir2, "copy.onnx"), { externalData: true, location: "weights.bin" });
  assert.deepEqual(readdirSync(dir2).sort(), ["copy.onnx", "weights.bin"]);
  const again = loadModel(join(dir2, "copy.onnx"));
  assert.deepEqual((await runAll(again, feeds)).y!.data, a.y!.data);
  // And inline again.
  saveModel(again, join(dir2, "inline.onnx"), { externalData: false });
  assert.equal(loadModel(join(dir2, "inline.onnx")).graph.initializers.get("w")!.initializer!.isExternal, false);
});

/** Rewrites the location of every external tensor of a saved model. */
function withLocation(path: string, location: string): Uint8Array {
  const p = fromBinary(ModelProtoSchema, readFileSync(path));
  for (const t of p.graph!.initializer) {
    if (t.dataLocation !== TensorProto_DataLocation.EXTERNAL) continue;
    t.externalData = t.externalData.map((e) => (e.key === "location" ? create(StringStringEntryProtoSchema, { key: "location", value: location }) : e));
  }
  return toBinary(ModelProtoSchema, p);
}

test("external data locations outside the model's folder are refused", () => {
  const root = tempDir();
  const inner = join(root, "model");
  mkdirSync(inner);
  const path = join(inner, "m.onnx");
  saveModel(smallModel(), path, { externalData: true, location: "w.bin" });
  writeFileSync(join(root, "secret.bin"), readFileSync(join(inner, "w.bin")));
  symlinkSync(join(root, "secret.bin"), join(inner, "link.bin"));
  const cases: [string, RegExp][] = [
    ["../secret.bin", /outside the model's folder/],
    [join(root, "secret.bin"), /absolute/],
    ["sub/../../secret.bin", /outside the model's folder/],
    ["link.bin", /link leading outside/],
    ["gone.bin", /missing/],
  ];
  for (const [loc, msg] of cases) {
    const bad = join(inner, "bad.onnx");
    writeFileSync(bad, withLocation(path, loc));
    assert.throws(() => loadModel(bad), (e: unknown) => e instanceof QuantaError && msg.test(e.message) && !e.message.includes("\n"), loc);
  }
});

test("truncated external data file is reported", () => {
  const dir = tempDir();
  const path = join(dir, "m.onnx");
  saveModel(smallModel(), path, { externalData: true, location: "w.bin" });
  writeFileSync(join(dir, "w.bin"), readFileSync(join(dir, "w.bin")).subarray(0, 100));
  assert.throws(() => loadModel(path), /truncated/);
});

test("bad files give one-line QuantaErrors", () => {
  const dir = tempDir();
  const good = serializeModel(smallModel());
  const files: Record<string, Uint8Array | string> = {
    "truncated.onnx": good.subarray(0, Math.floor(good.length / 2)),
    "random.onnx": Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24),
    "empty.onnx": new Uint8Array(0),
    "text.onnx": "This is not a model, just some text that somebody named .onnx\n".repeat(20),
  };
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
  mkdirSync(join(dir, "folder.onnx"));
  for (const name of [...Object.keys(files), "folder.onnx", "missing.onnx"]) {
    assert.throws(
      () => loadModel(join(dir, name)),
      (e: unknown) => e instanceof QuantaError && e.message.length > 0 && !e.message.includes("\n"),
      name,
    );
  }
});

test("tensor data in typed fields, int64 sentinels and attributes survive a round-trip", () => {
  const { model, builder: b } = createModel({ opset: 13 });
  const x = b.input("x", DataType.FLOAT, [2, 10]);
  const starts = b.ints([0], "starts");
  const ends = b.constant([9223372036854775807], [1], DataType.INT64, "ends");
  const y = b.op("Slice", [x, starts, ends]);
  b.output(b.op("LeakyRelu", [y], { alpha: 1 }), "y");
  const again = parseModel(serializeModel(model));
  const leaky = again.graph.nodes.find((n) => n.opType === "LeakyRelu")!;
  assert.deepEqual(leaky.getAttribute("alpha"), { type: "float", value: 1 });
  const e = again.graph.initializers.get("ends")!.initializer!.toArray() as BigInt64Array;
  assert.equal(e[0], 9223372036854775807n);
});

test("reference models round-trip: equal message and bit-identical outputs", async () => {
  const { buildZooModel } = await import("../../zoo/index.js");
  const { planInputs, randomFeeds: feedsFor } = await import("../../evaluate/random-inputs.js");
  for (const name of ["resnet-tiny", "bert-tiny", "resnet18"]) {
    const model = buildZooModel(name);
    const bytes = serializeModel(model);
    const again = parseModel(bytes);
    const bytes2 = serializeModel(again);
    assert.ok(equals(ModelProtoSchema, fromBinary(ModelProtoSchema, bytes), fromBinary(ModelProtoSchema, bytes2)), name);
    const feeds = feedsFor(model, planInputs(model, name.startsWith("bert") ? { batch: 2, sequence: 7 } : { batch: 2 }).inputs);
    const a = await runAll(model, feeds);
    const b = await runAll(again, feeds);
    for (const k of Object.keys(a)) assert.deepEqual(Buffer.from(b[k]!.data.buffer), Buffer.from(a[k]!.data.buffer), `${name} ${k}`);
  }
});

// A Constant's tensor used to be written without its bytes from 4,096 bytes on (the streaming
// writer deferred it like a main-graph initializer but only completes initializers).
test("Constant tensors of any size keep their bytes: saved file, in-memory hand-over, ONNX Runtime", async () => {
  for (const n of [1023, 1024, 5000]) {
    const { model, builder: b } = createModel({ opset: 17 });
    const x = b.input("x", DataType.FLOAT, [n]);
    const values = Float32Array.from({ length: n }, (_, i) => i * 0.25 - 7);
    const c = b.op("Constant", [], { value: Tensor.fromArray(DataType.FLOAT, [n], values) });
    b.output(b.op("Add", [x, c]), "y");
    const decoded = fromBinary(ModelProtoSchema, serializeModel(model));
    const t = decoded.graph!.node.find((nd) => nd.opType === "Constant")!.attribute[0]!.t!;
    assert.deepEqual(new Float32Array(Uint8Array.from(t.rawData).buffer), values, `${n}: raw_data of the decoded Constant`);
    const dir = tempDir();
    saveModel(model, join(dir, "c.onnx"), { externalData: false });
    const fromFile = fromBinary(ModelProtoSchema, readFileSync(join(dir, "c.onnx")));
    assert.deepEqual(new Float32Array(Uint8Array.from(fromFile.graph!.node[0]!.attribute[0]!.t!.rawData).buffer), values, `${n}: saved file`);
    const y = await runAll(model, { x: { type: "float32", dims: [n], data: new Float32Array(n).fill(1) } });
    assert.deepEqual(y.y!.data, values.map((v) => v + 1), `${n}: ONNX Runtime output`);
  }
});

test("PyTorch 1.13 export with an int64 [1,512] Constant: load -> save keeps it and PyTorch's outputs", async () => {
  const path = join(process.cwd(), "test/fixtures/models/bert-like-torch113.onnx");
  const expected = JSON.parse(readFileSync(join(process.cwd(), "test/fixtures/models/bert-like-torch113.expected.json"), "utf8")) as { input_ids: number[][]; logits: number[][] };
  const original = readFileSync(path);
  const model = loadModel(path);
  const dir = tempDir();
  saveModel(model, join(dir, "out.onnx"));
  for (const bytes of [serializeModel(model), readFileSync(join(dir, "out.onnx"))]) {
    assert.ok(equals(ModelProtoSchema, fromBinary(ModelProtoSchema, original), fromBinary(ModelProtoSchema, bytes)), "decoded messages differ");
  }
  const ids = expected.input_ids;
  const feeds = { input_ids: { type: "int64" as const, dims: [ids.length, ids[0]!.length], data: BigInt64Array.from(ids.flat(), BigInt) } };
  for (const m of [model, loadModel(join(dir, "out.onnx"))]) {
    const got = (await runAll(m, feeds)).logits!.data as Float32Array;
    expected.logits.flat().forEach((want, i) => assert.ok(Math.abs(got[i]! - want) < 1e-5, `logit ${i}: ${got[i]} vs PyTorch ${want}`));
  }
});

test("trailing empty inputs ('absent optional') survive a round trip; nodes built by passes get none", () => {
  const { model, builder: b } = createModel({ opset: 13 });
  const x = b.input("x", DataType.FLOAT, [2]);
  const clip = b.op("Clip", [x], {}, { output: "c" });
  b.output(b.op("Relu", [clip], {}, { output: "r" }), "y");
  const built = fromBinary(ModelProtoSchema, serializeModel(model));
  assert.deepEqual(built.graph!.node[0]!.input, ["x"], "a built node with no trailing inputs writes none");
  built.graph!.node[0]!.input = ["x", "", ""]; // as the ONNX backend test test_clip_default_inbounds has it
  const bytes = toBinary(ModelProtoSchema, built);
  const again = fromBinary(ModelProtoSchema, serializeModel(parseModel(bytes)));
  assert.deepEqual(again.graph!.node[0]!.input, ["x", "", ""]);
  assert.ok(equals(ModelProtoSchema, again, built), "the decoded message is unchanged");
  const m = parseModel(bytes);
  m.graph.nodes[0]!.setInput(3, null); // a pass appending an absent input past the file's count
  assert.deepEqual(fromBinary(ModelProtoSchema, serializeModel(m)).graph!.node[0]!.input, ["x", "", ""]);
});
