import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { openSession } from "./session.js";
import { webRuntime } from "./web.js";
import { nodeRuntime } from "./node.js";
import { create } from "@bufbuild/protobuf";
import { TypeProtoSchema } from "../ir/serde/gen/onnx/onnx_pb.js";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { serializeModel } from "../ir/serde/save.js";
import { QuantaError } from "../errors.js";

function tinyConvNet() {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["batch", 1, 6, 6]);
  const w = b.initializer("w", Tensor.fromArray(DataType.FLOAT, [2, 1, 3, 3], Float32Array.from({ length: 18 }, (_, i) => Math.cos(i))));
  const y = b.op("Relu", [b.op("Conv", [x, w], { pads: [1, 1, 1, 1] })]);
  b.output(b.op("ReduceMean", [y], { axes: [2, 3], keepdims: 0 }), "y");
  return model;
}

test("the same calling code runs on onnxruntime-node and onnxruntime-web (wasm)", async () => {
  const model = tinyConvNet();
  const x = { type: "float32" as const, dims: [2, 1, 6, 6], data: Float32Array.from({ length: 72 }, (_, i) => ((i * 7) % 11) / 11) };
  const outs = [];
  for (const runtime of [await nodeRuntime(), await webRuntime()]) {
    const s = await openSession(model, { runtime, threads: 1 });
    assert.deepEqual([...s.inputNames], ["x"]);
    const r = await s.run({ x }, ["y"]);
    assert.deepEqual(r.y!.dims, [2, 2]);
    outs.push(r.y!.data as Float32Array);
    await s.release();
  }
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(outs[0]![i]! - outs[1]![i]!) < 1e-5, `element ${i}`);
  // float64 check of one element: channel 0, batch 0 mean over the 6x6 output.
  const w = Array.from({ length: 9 }, (_, i) => Math.cos(i));
  const xin = (yy: number, xx: number) => (yy < 0 || xx < 0 || yy > 5 || xx > 5 ? 0 : Number(x.data[yy * 6 + xx]));
  let sum = 0;
  for (let oy = 0; oy < 6; oy++)
    for (let ox = 0; ox < 6; ox++) {
      let acc = 0;
      for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) acc += w[ky * 3 + kx]! * xin(oy + ky - 1, ox + kx - 1);
      sum += Math.max(0, acc);
    }
  assert.ok(Math.abs(outs[0]![0]! - sum / 36) < 1e-5);
});

test("a model ONNX Runtime rejects gives a one-line error", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [2]);
  b.output(b.op("NoSuchOp", [x]), "y");
  await assert.rejects(openSession(model), (e: Error) => /ONNX Runtime cannot load the model/.test(e.message) && !e.message.includes("\n"));
});

test("sequence outputs are never fetched (onnxruntime-node crashes on them); asking for one is a one-line error", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [2]);
  b.output(b.op("Relu", [x]), "y");
  const seq = b.op("SequenceConstruct", [x]);
  seq.type = { kind: "other", opaque: create(TypeProtoSchema, { value: { case: "sequenceType", value: { elemType: create(TypeProtoSchema, { value: { case: "tensorType", value: { elemType: DataType.FLOAT } } }) } } }) };
  b.output(seq, "seq");
  const s = await openSession(model);
  try {
    const feeds = { x: { type: "float32" as const, dims: [2], data: Float32Array.from([-1, 2]) } };
    const all = await s.run(feeds);
    assert.deepEqual(Object.keys(all), ["y"]);
    assert.deepEqual([...(all.y!.data as Float32Array)], [0, 2]);
    await assert.rejects(s.run(feeds, ["seq"]), (e: Error) => e instanceof QuantaError && /"seq" is a sequence, map or optional value/.test(e.message));
  } finally {
    await s.release();
  }
});

test("a model that loads but fails when it runs gives a one-line QuantaError, and ORT prints nothing itself", async () => {
  // Reshape to [3] of a 2-element input: ORT accepts the graph and fails in the kernel.
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["n"]);
  b.output(b.op("Reshape", [x, b.ints([3], "shape")]), "y");
  const s = await openSession(model);
  await assert.rejects(s.run({ x: { type: "float32", dims: [2], data: Float32Array.from([1, 2]) } }), (e: Error) => {
    assert.ok(e instanceof QuantaError, `${e.name}: ${e.message}`);
    assert.match(e.message, /^ONNX Runtime could not run the model: .*Reshape/);
    assert.ok(!e.message.includes("\n") && e.message.length < 300, e.message);
    return true;
  });
  await s.release();
  // ORT used to log the same failure to stderr itself ("[E:onnxruntime:, sequential_executor.cc …]").
  const dist = join(process.cwd(), "dist/src");
  const script = `
    const { openSession } = await import(${JSON.stringify(join(dist, "runtime/session.js"))});
    const { parseModel } = await import(${JSON.stringify(join(dist, "ir/serde/load.js"))});
    const m = parseModel(Buffer.from(${JSON.stringify(Buffer.from(serializeModel(model)).toString("base64"))}, "base64"));
    const s = await openSession(m);
    await s.run({ x: { type: "float32", dims: [2], data: Float32Array.from([1, 2]) } }).catch(() => {});`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "");
});

test("ORT messages lose their C++ signatures, with or without the source path", async () => {
  const { ortMessage } = await import("./runtime.js");
  const raw =
    "[ONNXRuntimeError] : 1 : FAIL : Non-zero status code returned while running DequantizeLinear node. Name:'w2_DequantizeLinear' Status Message: int64_t onnxruntime::HandleNegativeAxis(int64_t, int64_t) IsAxisInRange(axis, tensor_rank) was false. axis -7 is not in valid range [-2,1]";
  assert.equal(ortMessage(new Error(raw)), "DequantizeLinear node 'w2_DequantizeLinear': IsAxisInRange(axis, tensor_rank) was false. axis -7 is not in valid range [-2,1]");
  const withPath = "Status Message: /onnxruntime_src/onnxruntime/core/providers/cpu/quantization/quantize_linear.cc:42 void onnxruntime::PrepareForQDQ(const TensorShape&, const Tensor&, const Tensor*, int64_t, int64_t, int64_t&, int64_t&, int64_t&) x_zero_point must be null or 1D";
  assert.equal(ortMessage(new Error(withPath)), "Status Message: x_zero_point must be null or 1D");
  const virt = "Reshape node 'reshape': virtual onnxruntime::common::Status onnxruntime::Reshape::Compute(onnxruntime::OpKernelContext*) const shapeTensor->Shape().NumDimensions() == 1 was false.";
  assert.equal(ortMessage(new Error(virt)), "Reshape node 'reshape': shapeTensor->Shape().NumDimensions() == 1 was false.");
});
