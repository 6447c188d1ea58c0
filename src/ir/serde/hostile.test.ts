// Damaged and hostile model files (the shapes a fuzzing run over mutated models found): each must
// end in quanta's own one-line QuantaError that says what is wrong and where, of readable length,
// and a tensor that claims more bytes than the file holds is refused before anything is allocated.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  AttributeProtoSchema,
  AttributeProto_AttributeType as AT,
  ModelProtoSchema,
  StringStringEntryProtoSchema,
  TensorProtoSchema,
  TensorProto_DataLocation,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type ModelProto,
} from "./gen/onnx/onnx_pb.js";
import { loadModel, parseModel } from "./load.js";
import { saveModel, serializeModel } from "./save.js";
import { createModel } from "../builder.js";
import { Tensor } from "../tensor/tensor.js";
import { DataType } from "../dtype.js";
import { openSession } from "../../runtime/session.js";
import { planInputs, randomFeeds, MAX_RANDOM_FEED_BYTES } from "../../evaluate/random-inputs.js";
import { QuantaError, clipText, quoteName } from "../../errors.js";
import { tempDir } from "../../../test/helpers.js";
import type { Model } from "../model.js";

const READABLE = 300;

function baseModel(): Model {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["batch", 4]);
  const w = b.initializer("w", Tensor.fromArray(DataType.FLOAT, [4, 300], Float32Array.from({ length: 1200 }, (_, i) => Math.sin(i))));
  b.output(b.op("Relu", [b.op("MatMul", [x, w], {}, { name: "mm" })], {}, { name: "relu" }), "y");
  return model;
}

function proto(model: Model = baseModel()): ModelProto {
  return fromBinary(ModelProtoSchema, serializeModel(model));
}

/** Asserts `fn` throws a QuantaError whose one-line, readable message matches every pattern. */
function refuses(fn: () => unknown, ...patterns: RegExp[]): string {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof QuantaError, `expected a QuantaError, got ${caught instanceof Error ? `${caught.name}: ${caught.message.slice(0, 200)}` : String(caught)}`);
  const msg = caught.message;
  assert.ok(!msg.includes("\n"), `one line: ${msg}`);
  assert.ok(msg.length <= READABLE, `${msg.length} characters: ${msg.slice(0, 400)}`);
  for (const p of patterns) assert.match(msg, p);
  return msg;
}

test("an external-data offset of -8 (or any non-number) is refused by name before any read", () => {
  const dir = tempDir();
  const path = join(dir, "m.onnx");
  saveModel(baseModel(), path, { externalData: true, location: "w.bin" });
  for (const [key, value] of [
    ["offset", "-8"],
    ["offset", "12abc"],
    ["offset", "99999999999999999999"],
    ["length", "-4800"],
    ["length", "4801"],
  ] as const) {
    const p = fromBinary(ModelProtoSchema, readFileSync(path));
    const w = p.graph!.initializer.find((t) => t.name === "w")!;
    assert.equal(w.dataLocation, TensorProto_DataLocation.EXTERNAL);
    w.externalData = w.externalData.map((e) => (e.key === key ? create(StringStringEntryProtoSchema, { key, value }) : e));
    writeFileSync(join(dir, "bad.onnx"), toBinary(ModelProtoSchema, p));
    const msg = refuses(() => loadModel(join(dir, "bad.onnx")), /tensor "w"/, key === "length" && value === "4801" ? /needs 4800 bytes.*says 4801/ : new RegExp(`external data ${key} "${value}" is not a whole number`));
    assert.doesNotMatch(msg, /position|NaN|out of range/, value);
  }
});

test("a tensor claiming more bytes than the file holds is refused before anything is allocated", () => {
  const cases: { dims: bigint[]; dataType: number; fill?: (t: ReturnType<typeof create<typeof TensorProtoSchema>>) => void; want: RegExp }[] = [
    { dims: [2n ** 40n], dataType: DataType.FLOAT, want: /tensor "big" is float\[1099511627776\].*float_data holds 0 values/ },
    { dims: [1024n, 1024n, 256n], dataType: DataType.FLOAT, want: /float_data holds 0 values/ }, // 1 GB claimed, nothing there
    { dims: [1024n, 1024n, 256n], dataType: DataType.INT8, fill: (t) => (t.int32Data = [1, 2, 3]), want: /int32_data holds 3 values/ },
    { dims: [1024n, 1024n, 256n], dataType: DataType.FLOAT, fill: (t) => (t.rawData = new Uint8Array(16)), want: /needs 1073741824 bytes, but its raw_data holds 16/ },
    { dims: [2n ** 31n, 2n ** 31n, 2n ** 31n], dataType: DataType.DOUBLE, want: /more elements than any file can hold/ },
    { dims: [3n, -2n], dataType: DataType.FLOAT, want: /bad shape \[3,-2\]/ },
    { dims: [1024n, 1024n], dataType: DataType.STRING, fill: (t) => (t.stringData = [new Uint8Array(1)]), want: /1048576 strings\) but holds 1/ },
    { dims: [4n], dataType: 99, fill: (t) => (t.rawData = new Uint8Array(4)), want: /element type 99/ },
  ];
  for (const c of cases) {
    const p = proto();
    const t = create(TensorProtoSchema, { name: "big", dims: c.dims, dataType: c.dataType });
    c.fill?.(t);
    p.graph!.initializer.push(t);
    const bytes = toBinary(ModelProtoSchema, p);
    const before = process.memoryUsage().arrayBuffers;
    refuses(() => parseModel(bytes), c.want);
    const grew = process.memoryUsage().arrayBuffers - before;
    assert.ok(grew < 64 * 2 ** 20, `${c.dims}: ${grew} bytes of array buffers allocated while refusing`);
  }
  // The same claim through external data: the side file is smaller than the tensor says.
  const dir = tempDir();
  const path = join(dir, "m.onnx");
  saveModel(baseModel(), path, { externalData: true, location: "w.bin" });
  const p = fromBinary(ModelProtoSchema, readFileSync(path));
  const w = p.graph!.initializer.find((t) => t.name === "w")!;
  w.dims = [1024n, 1024n, 256n];
  w.externalData = w.externalData.filter((e) => e.key !== "length");
  writeFileSync(join(dir, "bad.onnx"), toBinary(ModelProtoSchema, p));
  refuses(() => loadModel(join(dir, "bad.onnx")), /tensor "w": external data file "w.bin" is 4800 bytes, but the tensor needs bytes 0..1073741824/);
});

test("a GRAPH attribute without a graph, or a TENSOR attribute without a tensor, names the node and attribute", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const cond = b.input("cond", DataType.BOOL, []);
  const branch = (v: number) => {
    const g = model.graph.createSubgraph(`branch${v}`);
    const c = g.addNode("Constant", [], { value: Tensor.fromArray(DataType.FLOAT, [1], [v]) }, { name: `const${v}` });
    g.addOutput(c.output(0));
    return g;
  };
  b.output(b.op("If", [cond], { then_branch: branch(1), else_branch: branch(2) }, { name: "choose" }), "y");
  const good = proto(model);
  const p = proto(model);
  const ifNode = p.graph!.node.find((n) => n.opType === "If")!;
  delete (ifNode.attribute.find((a) => a.name === "then_branch")! as { g?: unknown }).g;
  refuses(() => parseModel(toBinary(ModelProtoSchema, p)), /attribute "then_branch" of node "choose" \("If"\) is of type GRAPH but holds no graph/);
  const q = proto(model);
  const inner = q.graph!.node[0]!.attribute.find((a) => a.name === "else_branch")!.g!.node[0]!;
  inner.attribute = [create(AttributeProtoSchema, { name: "value", type: AT.TENSOR })];
  refuses(() => parseModel(toBinary(ModelProtoSchema, q)), /attribute "value" of node "const2" \("Constant"\) is of type TENSOR but holds no tensor/);
  assert.doesNotThrow(() => parseModel(toBinary(ModelProtoSchema, good)));
});

test("invalid dims are refused with the value and axis named, never written back", () => {
  const cases: [string, (p: ModelProto) => void, RegExp][] = [
    ["input -7", (p) => setDim(p.graph!.input[0]!.type!, 1, -7n), /graph input "x" has dimension -7 on axis 1/],
    ["output -1", (p) => ((p.graph!.output[0]!.type = clone(p.graph!.input[0]!.type!)), setDim(p.graph!.output[0]!.type, 0, -1n)), /graph output "y" has dimension -1 on axis 0/],
    ["value_info -3", (p) => p.graph!.valueInfo.push(create(ValueInfoProtoSchema, { name: "mm_out", type: withDim(clone(p.graph!.input[0]!.type!), 1, -3n) })), /value_info "mm_out" has dimension -3 on axis 1/],
    ["input 2^60", (p) => setDim(p.graph!.input[0]!.type!, 1, 2n ** 60n), /graph input "x" has dimension 1152921504606846976 on axis 1/],
  ];
  for (const [what, mutate, want] of cases) {
    const p = proto();
    mutate(p);
    refuses(() => parseModel(toBinary(ModelProtoSchema, p)), want, /must be a whole number of 0 or more/);
    void what;
  }
});

type TypeMsg = NonNullable<NonNullable<ModelProto["graph"]>["input"][number]["type"]>;

function clone(t: TypeMsg): TypeMsg {
  return fromBinary(TypeProtoSchema, toBinary(TypeProtoSchema, t));
}

function withDim(t: TypeMsg, axis: number, value: bigint): TypeMsg {
  setDim(t, axis, value);
  return t;
}

function setDim(t: TypeMsg, axis: number, value: bigint): void {
  assert.equal(t.value.case, "tensorType");
  const dim = (t.value.value as { shape?: { dim: { value: unknown }[] } }).shape!.dim;
  while (dim.length <= axis) dim.push({ ...dim[0]! });
  dim[axis]!.value = { case: "dimValue", value };
}

test("an IR version beyond what ONNX Runtime reads is named as unsupported, not as a missing graph", () => {
  const p = proto();
  p.irVersion = 99n;
  const msg = refuses(() => parseModel(toBinary(ModelProtoSchema, p)), /IR version 99/, /not supported/, /1 to 13/);
  assert.doesNotMatch(msg, /no graph/);
  p.irVersion = 13n;
  assert.equal(parseModel(toBinary(ModelProtoSchema, p)).irVersion, 13);
  const noGraph = proto();
  delete (noGraph as { graph?: unknown }).graph;
  refuses(() => parseModel(toBinary(ModelProtoSchema, noGraph)), /no graph/);
});

test("random inputs of an absurd size are refused before they are allocated", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("Input3", DataType.FLOAT, [100000, 1, 28, 28]);
  const ids = b.input("ids", DataType.INT64, ["batch", 8]);
  b.output(b.op("Relu", [x]), "y");
  b.output(b.op("Identity", [ids]), "z");
  const before = process.memoryUsage().arrayBuffers;
  refuses(() => planInputs(model), /input "Input3" is float\[100000,1,28,28\], 299 MB of random data/, /axis 0 is 100000/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 2 ** 20);
  // A plan made elsewhere is checked again where the data is allocated.
  const plan = [{ name: "ids", dtype: DataType.INT64, dims: [2 ** 20, 2 ** 20], bound: {} }];
  refuses(() => randomFeeds(model, plan), /input "ids" is int64\[1048576,1048576\]/, /pass smaller --dim values/);
  // The limit is on the data, so a large symbolic dim from --dim is caught too; a normal size passes.
  (x.type as { shape: number[] }).shape = [2, 1, 28, 28];
  refuses(() => planInputs(model, { batch: MAX_RANDOM_FEED_BYTES / 64 + 1 }), /input "ids" is int64\[4194305,8\]/);
  const { inputs } = planInputs(model, { batch: 3 });
  assert.deepEqual(Object.values(randomFeeds(model, inputs)).map((t) => t.dims), [[2, 1, 28, 28], [3, 8]]);
});

test("a 2 MB op_type or name is never echoed whole", async () => {
  const huge = "X".repeat(2_000_000);
  // ONNX Runtime's own message repeats the op type; quanta clips it.
  const p = proto();
  p.graph!.node.find((n) => n.opType === "Relu")!.opType = huge;
  const model = parseModel(toBinary(ModelProtoSchema, p));
  await assert.rejects(openSession(model), (e: unknown) => {
    assert.ok(e instanceof QuantaError);
    assert.match(e.message, /^ONNX Runtime cannot load the model: .*XXXX …\([\d,]+ more characters\)… XXXX/);
    assert.ok(e.message.length <= READABLE && !e.message.includes("\n"), `${e.message.length} characters`);
    return true;
  });
  // quanta's own messages quote names from the file clipped, with their length.
  const q = proto();
  q.graph!.node.find((n) => n.opType === "Relu")!.input[0] = huge;
  refuses(() => parseModel(toBinary(ModelProtoSchema, q)), /node "relu" \("Relu"\) reads "X{20,60}…X{8}" \(2,000,000 characters\), which nothing defines/);
  const r = proto();
  r.graph!.node.find((n) => n.opType === "Relu")!.opType = huge;
  r.graph!.node.find((n) => n.opType === huge)!.input[0] = "missing";
  refuses(() => parseModel(toBinary(ModelProtoSchema, r)), /node "relu" \("X+…X+" \(2,000,000 characters\)\) reads "missing"/);
});

test("QuantaError messages are one line and clipped in the middle; quoteName escapes and clips", () => {
  const e = new QuantaError(`start ${"y".repeat(5000)}\n  end: do this`);
  assert.ok(e.message.length <= 600 && !e.message.includes("\n"));
  assert.match(e.message, /^start y+ …\([\d,]+ more characters\)… y+ end: do this$/);
  assert.equal(new QuantaError("short\nmessage").message, "short message");
  assert.equal(clipText("abc", 3), "abc");
  assert.equal(quoteName("a\nb"), '"a\\nb"');
  assert.equal(quoteName("n".repeat(100), 20), `"${"n".repeat(8)}…${"n".repeat(8)}" (100 characters)`);
});

test("hundreds of mutated models: every failure is a readable one-line QuantaError", () => {
  const good = serializeModel(baseModel());
  let s = 12345;
  const rnd = (n: number) => ((s = (s * 1103515245 + 12345) % 2 ** 31), s % n);
  let loaded = 0;
  for (let i = 0; i < 400; i++) {
    const bytes = Uint8Array.from(good);
    const kind = i % 4;
    if (kind === 0) for (let k = 0; k < 1 + rnd(8); k++) bytes[rnd(bytes.length)] = rnd(256);
    else if (kind === 1) bytes[rnd(300)] ^= 1 << rnd(8); // near the start: lengths, tags, dims
    const input = kind === 2 ? bytes.subarray(0, rnd(bytes.length)) : kind === 3 ? Uint8Array.from([...bytes.subarray(0, 40), ...bytes.subarray(40 + rnd(200))]) : bytes;
    try {
      const m = parseModel(input);
      serializeModel(m); // whatever loads can be written back
      loaded++;
    } catch (e) {
      assert.ok(e instanceof QuantaError, `mutation ${i}: ${(e as Error).name}: ${(e as Error).message.slice(0, 200)}`);
      assert.ok(!e.message.includes("\n") && e.message.length <= READABLE, `mutation ${i}: ${e.message.slice(0, 400)}`);
    }
  }
  assert.ok(loaded > 0 && loaded < 400, `${loaded} of 400 mutations loaded`);
});
