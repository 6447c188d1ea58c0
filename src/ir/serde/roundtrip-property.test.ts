// Property test for "no data loss": a hand-built ModelProto (built here with protobuf-es, not by
// quanta's writer) holds tensors of every ONNX element type, at sizes on both sides of every
// size threshold in the reader and writer (1,024 bytes: external data; 4,096 bytes: streamed
// initializers), stored as raw_data and in the typed fields, in initializers, Constant
// attributes (value and value_float(s)/value_int(s)/value_string(s)), attributes of every kind,
// sparse initializers, and If/Loop subgraphs (nested). Every way quanta writes it back must
// decode to the same message: the in-memory serializer, a file without and with external data
// (resolved by this test's own reader), and a file whose tensors already live in a side file.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { create, equals, fromBinary, toBinary, toJson } from "@bufbuild/protobuf";
import {
  AttributeProtoSchema,
  AttributeProto_AttributeType as AT,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  SparseTensorProtoSchema,
  StringStringEntryProtoSchema,
  TensorProtoSchema,
  TensorProto_DataLocation,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  TypeProto_TensorSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type SparseTensorProto,
  type TensorProto,
} from "./gen/onnx/onnx_pb.js";
import { loadModel, parseModel } from "./load.js";
import { saveModel, serializeModel } from "./save.js";
import { DataType } from "../dtype.js";
import { openSession } from "../../runtime/session.js";
import { nodeRuntime } from "../../runtime/node.js";
import { tempDir } from "../../../test/helpers.js";
import type { HostTensor } from "../../runtime/host-tensor.js";

// ---------------------------------------------------------------------------------------------
// Deterministic data

function rng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

interface TypeSpec {
  dtype: number;
  name: string;
  /** Bytes per element in raw_data (0.5 for 4-bit types, 0 for strings). */
  size: number;
  /** Fills the typed field for `count` elements; undefined where ONNX has no typed encoding. */
  typed?: (t: TensorProto, count: number, r: (n: number) => number) => void;
}

const ints = (count: number, r: (n: number) => number, lo: number, hi: number): number[] => Array.from({ length: count }, () => lo + r(hi - lo + 1));

const TYPES: TypeSpec[] = [
  { dtype: DataType.FLOAT, name: "float", size: 4, typed: (t, n, r) => (t.floatData = Array.from({ length: n }, () => Math.fround((r(2 ** 20) - 2 ** 19) / 1024))) },
  { dtype: DataType.DOUBLE, name: "double", size: 8, typed: (t, n, r) => (t.doubleData = Array.from({ length: n }, () => (r(2 ** 30) - 2 ** 29) / 3)) },
  { dtype: DataType.FLOAT16, name: "float16", size: 2, typed: (t, n, r) => (t.int32Data = ints(n, r, 0, 0xffff)) },
  { dtype: DataType.BFLOAT16, name: "bfloat16", size: 2, typed: (t, n, r) => (t.int32Data = ints(n, r, 0, 0xffff)) },
  { dtype: DataType.INT8, name: "int8", size: 1, typed: (t, n, r) => (t.int32Data = ints(n, r, -128, 127)) },
  { dtype: DataType.INT16, name: "int16", size: 2, typed: (t, n, r) => (t.int32Data = ints(n, r, -32768, 32767)) },
  { dtype: DataType.INT32, name: "int32", size: 4, typed: (t, n, r) => (t.int32Data = Array.from({ length: n }, (_, i) => (i === 0 ? -(2 ** 31) : i === 1 ? 2 ** 31 - 1 : r(2 ** 31) - 2 ** 30))) },
  { dtype: DataType.INT64, name: "int64", size: 8, typed: (t, n, r) => (t.int64Data = Array.from({ length: n }, (_, i) => (i === 0 ? -(2n ** 63n) : i === 1 ? 2n ** 63n - 1n : BigInt(r(2 ** 31)) * 4099n - 2n ** 40n))) },
  { dtype: DataType.UINT8, name: "uint8", size: 1, typed: (t, n, r) => (t.int32Data = ints(n, r, 0, 255)) },
  { dtype: DataType.UINT16, name: "uint16", size: 2, typed: (t, n, r) => (t.int32Data = ints(n, r, 0, 65535)) },
  { dtype: DataType.UINT32, name: "uint32", size: 4, typed: (t, n, r) => (t.uint64Data = Array.from({ length: n }, (_, i) => (i === 0 ? 2n ** 32n - 1n : BigInt(r(2 ** 31) * 2)))) },
  { dtype: DataType.UINT64, name: "uint64", size: 8, typed: (t, n, r) => (t.uint64Data = Array.from({ length: n }, (_, i) => (i === 0 ? 2n ** 64n - 1n : BigInt(r(2 ** 31)) * 2n ** 32n + 7n))) },
  { dtype: DataType.BOOL, name: "bool", size: 1, typed: (t, n, r) => (t.int32Data = ints(n, r, 0, 1)) },
  { dtype: DataType.COMPLEX64, name: "complex64", size: 8, typed: (t, n, r) => (t.floatData = Array.from({ length: 2 * n }, () => Math.fround(r(1000) / 7))) },
  { dtype: DataType.COMPLEX128, name: "complex128", size: 16, typed: (t, n, r) => (t.doubleData = Array.from({ length: 2 * n }, () => r(1000) / 7)) },
  { dtype: DataType.INT4, name: "int4", size: 0.5, typed: (t, n, r) => (t.int32Data = packedNibbles(n, r)) },
  { dtype: DataType.UINT4, name: "uint4", size: 0.5, typed: (t, n, r) => (t.int32Data = packedNibbles(n, r)) },
  { dtype: DataType.FLOAT4E2M1, name: "float4e2m1", size: 0.5, typed: (t, n, r) => (t.int32Data = packedNibbles(n, r)) },
  { dtype: DataType.FLOAT8E4M3FN, name: "float8e4m3fn", size: 1, typed: (t, n, r) => (t.int32Data = ints(n, r, 0, 255)) },
  { dtype: DataType.FLOAT8E4M3FNUZ, name: "float8e4m3fnuz", size: 1, typed: (t, n, r) => (t.int32Data = ints(n, r, 0, 255)) },
  { dtype: DataType.FLOAT8E5M2, name: "float8e5m2", size: 1, typed: (t, n, r) => (t.int32Data = ints(n, r, 0, 255)) },
  { dtype: DataType.FLOAT8E5M2FNUZ, name: "float8e5m2fnuz", size: 1, typed: (t, n, r) => (t.int32Data = ints(n, r, 0, 255)) },
  { dtype: DataType.FLOAT8E8M0, name: "float8e8m0", size: 1, typed: (t, n, r) => (t.int32Data = ints(n, r, 0, 255)) },
  { dtype: DataType.STRING, name: "string", size: 0 },
];

/** Two 4-bit elements per int32_data entry, the unused high nibble of an odd count left 0. */
function packedNibbles(count: number, r: (n: number) => number): number[] {
  return Array.from({ length: Math.ceil(count / 2) }, (_, i) => (2 * i + 1 < count ? r(256) : r(16)));
}

/** Element counts just below and at/above each byte threshold (1,024 and 4,096), plus 0 and 1. */
function countsFor(size: number): number[] {
  if (size === 0) return [0, 1, 3, 700]; // strings: 700 strings of ~10 bytes cross 4,096 bytes
  const c = [0, 1, Math.floor(1023 / size), Math.ceil(1024 / size), Math.floor(4095 / size), Math.ceil(4096 / size)];
  if (size < 1) c.push(Math.floor(1023 / size) - 1, Math.ceil(4096 / size) + 1); // odd 4-bit counts
  return [...new Set(c)];
}

function byteLength(spec: TypeSpec, count: number): number {
  return Math.ceil(spec.size * count);
}

let tensorSerial = 0;

/** A tensor of `count` elements: raw_data (random bytes, NaNs included) or its typed field. */
function makeTensor(spec: TypeSpec, count: number, typed: boolean, name: string, r: (n: number) => number): TensorProto {
  const dims = count === 1 && tensorSerial++ % 2 === 0 ? [] : count % 2 === 0 && count > 2 ? [2n, BigInt(count / 2)] : [BigInt(count)];
  const t = create(TensorProtoSchema, { name, dataType: spec.dtype, dims });
  if (tensorSerial % 5 === 0) t.docString = `doc of ${name || "an unnamed tensor"}`;
  if (spec.dtype === DataType.STRING) {
    t.stringData = Array.from({ length: count }, (_, i) => new TextEncoder().encode(`s${i}-${"é".repeat(r(6))}`));
  } else if (typed) {
    spec.typed!(t, count, r);
  } else {
    const bytes = new Uint8Array(byteLength(spec, count));
    for (let i = 0; i < bytes.length; i++) bytes[i] = r(256);
    if (spec.size === 0.5 && count % 2 === 1) bytes[bytes.length - 1]! &= 0x0f;
    t.rawData = bytes;
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// The reference model

const opset = (domain: string, version: bigint) => create(OperatorSetIdProtoSchema, { domain, version });
const attr = (fields: Partial<AttributeProto>) => create(AttributeProtoSchema, fields as never);
const node = (opType: string, name: string, input: string[], output: string[], attribute: AttributeProto[] = [], domain = "") =>
  create(NodeProtoSchema, { opType, name, input, output, attribute, domain });

function tensorType(dtype: number, dims: (number | string)[]) {
  const dim = dims.map((d) => create(TensorShapeProto_DimensionSchema, { value: typeof d === "number" ? { case: "dimValue", value: BigInt(d) } : { case: "dimParam", value: d } }));
  return create(TypeProtoSchema, { value: { case: "tensorType", value: create(TypeProto_TensorSchema, { elemType: dtype, shape: create(TensorShapeProtoSchema, { dim }) }) } });
}

/** Tensors of every type, size and encoding for one graph; `tag` keeps names unique per graph. */
function fillGraph(g: GraphProto, tag: string, r: (n: number) => number, sizes: "all" | "thresholds"): void {
  for (const spec of TYPES) {
    const counts = sizes === "all" ? countsFor(spec.size) : countsFor(spec.size).filter((c) => byteLength(spec, c) >= 1023 || spec.size === 0);
    for (const count of counts) {
      for (const typed of spec.typed ? [false, true] : [false]) {
        const id = `${tag}.${spec.name}.${count}.${typed ? "typed" : "raw"}`;
        g.initializer.push(makeTensor(spec, count, typed, `init.${id}`, r));
        // Constant value tensors: named as some exporters do, or unnamed (PyTorch).
        const value = makeTensor(spec, count, typed, count % 2 ? `const_tensor.${id}` : "", r);
        g.node.push(node("Constant", `const.${id}`, [], [`const.${id}`], [attr({ name: "value", type: AT.TENSOR, t: value })]));
      }
    }
  }
}

function sparseInit(name: string, dtype: number, dims: number[], nnz: number, coords: boolean, r: (n: number) => number): SparseTensorProto {
  const spec = TYPES.find((t) => t.dtype === dtype)!;
  const total = dims.reduce((a, b) => a * b, 1);
  const positions = new Set<number>();
  while (positions.size < nnz) positions.add(r(total));
  const sorted = [...positions].sort((a, b) => a - b);
  const indices = coords
    ? sorted.flatMap((p) => {
        const c: bigint[] = [];
        for (let j = dims.length - 1; j >= 0; j--) (c.unshift(BigInt(p % dims[j]!)), (p = Math.floor(p / dims[j]!)));
        return c;
      })
    : sorted.map(BigInt);
  const values = makeTensor(spec, nnz, r(2) === 0 && !!spec.typed, name, r);
  values.dims = [BigInt(nnz)];
  const idx = create(TensorProtoSchema, { name: `${name}.indices`, dataType: DataType.INT64, dims: coords ? [BigInt(nnz), BigInt(dims.length)] : [BigInt(nnz)] });
  if (r(2)) idx.int64Data = indices;
  else idx.rawData = new Uint8Array(BigInt64Array.from(indices).buffer);
  return create(SparseTensorProtoSchema, { values, indices: idx, dims: dims.map(BigInt) });
}

function referenceModel(): ModelProto {
  const r = rng(20261203);
  tensorSerial = 0;
  const main = create(GraphProtoSchema, {
    name: "main",
    docString: "every tensor kind in every place",
    input: [create(ValueInfoProtoSchema, { name: "cond", type: tensorType(DataType.BOOL, []) }), create(ValueInfoProtoSchema, { name: "trip", type: tensorType(DataType.INT64, []) })],
  });
  fillGraph(main, "main", r, "all");

  // Constant's other value forms, with lists across the thresholds.
  const floats = (n: number) => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i) * 1000));
  const bigints = (n: number) => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -(2n ** 62n) + BigInt(i) : BigInt(i * 7919)));
  const texts = (n: number) => Array.from({ length: n }, (_, i) => new TextEncoder().encode(`word${i}`));
  main.node.push(node("Constant", "cf", [], ["cf"], [attr({ name: "value_float", type: AT.FLOAT, f: -2.5 })]));
  main.node.push(node("Constant", "ci", [], ["ci"], [attr({ name: "value_int", type: AT.INT, i: -(2n ** 63n) })]));
  main.node.push(node("Constant", "cs", [], ["cs"], [attr({ name: "value_string", type: AT.STRING, s: new TextEncoder().encode("héllo") })]));
  for (const n of [0, 1, 255, 256, 1023, 1024, 1025]) {
    main.node.push(node("Constant", `cfs${n}`, [], [`cfs${n}`], [attr({ name: "value_floats", type: AT.FLOATS, floats: floats(n) })]));
    main.node.push(node("Constant", `cis${n}`, [], [`cis${n}`], [attr({ name: "value_ints", type: AT.INTS, ints: bigints(n) })]));
    main.node.push(node("Constant", `css${n}`, [], [`css${n}`], [attr({ name: "value_strings", type: AT.STRINGS, strings: texts(n) })]));
  }
  main.node.push(node("Constant", "csparse", [], ["csparse"], [attr({ name: "sparse_value", type: AT.SPARSE_TENSOR, sparseTensor: sparseInit("csparse.values", DataType.FLOAT, [40, 50], 1100, true, r) })]));

  // A custom-domain node with an attribute of every kind ONNX has.
  const tiny = create(GraphProtoSchema, { name: "tiny", node: [node("Identity", "tiny.id", ["cond"], ["tiny.out"])], output: [create(ValueInfoProtoSchema, { name: "tiny.out" })] });
  const tiny2 = create(GraphProtoSchema, { name: "tiny2", node: [node("Identity", "tiny2.id", ["cond"], ["tiny2.out"])], output: [create(ValueInfoProtoSchema, { name: "tiny2.out" })] });
  main.node.push(
    node(
      "Everything",
      "everything",
      ["cond"],
      ["everything.out"],
      [
        attr({ name: "f", type: AT.FLOAT, f: 0 }),
        attr({ name: "i", type: AT.INT, i: 0n }),
        attr({ name: "s", type: AT.STRING, s: new Uint8Array(0) }),
        attr({ name: "t", type: AT.TENSOR, t: makeTensor(TYPES[0]!, 2000, false, "everything.t", r) }),
        attr({ name: "g", type: AT.GRAPH, g: tiny }),
        attr({ name: "floats", type: AT.FLOATS, floats: floats(3) }),
        attr({ name: "ints", type: AT.INTS, ints: bigints(3) }),
        attr({ name: "strings", type: AT.STRINGS, strings: texts(3) }),
        attr({ name: "tensors", type: AT.TENSORS, tensors: [makeTensor(TYPES[7]!, 600, false, "", r), makeTensor(TYPES[4]!, 5000, true, "", r), makeTensor(TYPES[23]!, 3, false, "", r)] }),
        attr({ name: "graphs", type: AT.GRAPHS, graphs: [tiny2] }),
        attr({ name: "sparse", type: AT.SPARSE_TENSOR, sparseTensor: sparseInit("everything.sparse", DataType.INT8, [100], 10, false, r) }),
        attr({ name: "tp", type: AT.TYPE_PROTO, tp: tensorType(DataType.FLOAT, [1, "n"]) }),
        attr({ name: "sparses", type: AT.SPARSE_TENSORS, sparseTensors: [sparseInit("everything.sparses", DataType.FLOAT16, [64, 64], 2100, false, r)] }),
        attr({ name: "tps", type: AT.TYPE_PROTOS, typeProtos: [tensorType(DataType.INT4, [3])] }),
        attr({ name: "ref", type: AT.FLOAT, refAttrName: "outer_alpha", docString: "from the caller" }),
      ],
      "test.domain",
    ),
  );

  // Sparse initializers: linearized and coordinate indices, values below and above 4,096 bytes.
  main.sparseInitializer.push(
    sparseInit("sparse.float.coords", DataType.FLOAT, [64, 48], 1030, true, r),
    sparseInit("sparse.float.linear", DataType.FLOAT, [5000], 10, false, r),
    sparseInit("sparse.int64.linear", DataType.INT64, [30, 40], 520, false, r),
    sparseInit("sparse.int8.coords", DataType.INT8, [10, 20, 30], 4100, true, r),
    sparseInit("sparse.float16.linear", DataType.FLOAT16, [4096], 2050, false, r),
    sparseInit("sparse.int4.coords", DataType.INT4, [50, 50], 9, true, r),
    sparseInit("sparse.bool.linear", DataType.BOOL, [7], 0, false, r),
  );

  // If whose branches hold initializers and Constants across the thresholds; a Loop whose body
  // holds more, and an If nested in it. Subgraph nodes read main-graph values by name.
  const thenG = create(GraphProtoSchema, { name: "then", output: [create(ValueInfoProtoSchema, { name: "then.out" })] });
  fillGraph(thenG, "then", r, "thresholds");
  thenG.sparseInitializer.push(sparseInit("then.sparse", DataType.FLOAT, [80, 80], 1500, true, r));
  thenG.node.push(node("Identity", "then.id", ["init.main.float.1024.raw"], ["then.out"]));
  const elseG = create(GraphProtoSchema, { name: "else", output: [create(ValueInfoProtoSchema, { name: "else.out" })] });
  elseG.initializer.push(makeTensor(TYPES[0]!, 1024, false, "else.w", r));
  elseG.node.push(node("Identity", "else.id", ["else.w"], ["else.out"]));
  main.node.push(node("If", "if", ["cond"], ["if.out"], [attr({ name: "then_branch", type: AT.GRAPH, g: thenG }), attr({ name: "else_branch", type: AT.GRAPH, g: elseG })]));

  const innerThen = create(GraphProtoSchema, { name: "inner_then", output: [create(ValueInfoProtoSchema, { name: "inner_then.out" })] });
  fillGraph(innerThen, "inner_then", r, "thresholds");
  innerThen.node.push(node("Identity", "inner_then.id", ["body.w"], ["inner_then.out"]));
  const innerElse = create(GraphProtoSchema, { name: "inner_else", output: [create(ValueInfoProtoSchema, { name: "inner_else.out" })] });
  innerElse.node.push(node("Identity", "inner_else.id", ["init.main.int64.512.typed"], ["inner_else.out"]));
  const body = create(GraphProtoSchema, {
    name: "body",
    input: [create(ValueInfoProtoSchema, { name: "body.iter", type: tensorType(DataType.INT64, []) }), create(ValueInfoProtoSchema, { name: "body.cond", type: tensorType(DataType.BOOL, []) })],
    output: [create(ValueInfoProtoSchema, { name: "body.cond_out" }), create(ValueInfoProtoSchema, { name: "body.scan" })],
  });
  body.initializer.push(makeTensor(TYPES[0]!, 2048, false, "body.w", r), makeTensor(TYPES[2]!, 4096, true, "body.h", r));
  body.node.push(node("Constant", "body.c", [], ["body.c"], [attr({ name: "value", type: AT.TENSOR, t: makeTensor(TYPES[7]!, 1024, false, "", r) })]));
  body.node.push(node("Identity", "body.id", ["body.cond"], ["body.cond_out"]));
  body.node.push(node("If", "body.if", ["body.cond"], ["body.scan"], [attr({ name: "then_branch", type: AT.GRAPH, g: innerThen }), attr({ name: "else_branch", type: AT.GRAPH, g: innerElse })]));
  main.node.push(node("Loop", "loop", ["trip", "cond"], ["loop.scan"], [attr({ name: "body", type: AT.GRAPH, g: body })]));

  main.output.push(create(ValueInfoProtoSchema, { name: "if.out" }), create(ValueInfoProtoSchema, { name: "loop.scan" }));
  return create(ModelProtoSchema, {
    irVersion: 11n,
    opsetImport: [opset("", 23n), opset("test.domain", 1n)],
    producerName: "roundtrip-property",
    graph: main,
    metadataProps: [create(StringStringEntryProtoSchema, { key: "purpose", value: "test" })],
  });
}

// ---------------------------------------------------------------------------------------------
// This test's own view of a message: every tensor's bytes inline as raw_data.

/** Visits every TensorProto in the model (initializers, attributes, sparse parts, subgraphs) with where it is. */
function eachTensor(p: ModelProto, visit: (t: TensorProto, where: string) => void): void {
  const sparse = (s: SparseTensorProto, where: string) => (s.values && visit(s.values, `${where}.values`), s.indices && visit(s.indices, `${where}.indices`));
  const graph = (g: GraphProto, where: string): void => {
    g.initializer.forEach((t, i) => visit(t, `${where}/initializer ${i}`));
    g.sparseInitializer.forEach((s, i) => sparse(s, `${where}/sparse ${i}`));
    for (const n of g.node) for (const a of n.attribute) attribute(a, `${where}/${n.name}.${a.name}`);
  };
  const attribute = (a: AttributeProto, where: string): void => {
    if (a.t) visit(a.t, where);
    a.tensors.forEach((t, i) => visit(t, `${where}[${i}]`));
    if (a.g) graph(a.g, where);
    a.graphs.forEach((g, i) => graph(g, `${where}[${i}]`));
    if (a.sparseTensor) sparse(a.sparseTensor, where);
    a.sparseTensors.forEach((s, i) => sparse(s, `${where}[${i}]`));
  };
  graph(p.graph!, "");
}

/** The little-endian bytes a tensor's typed field stands for (ONNX's rules, written independently). */
function typedToRaw(t: TensorProto): Uint8Array {
  const spec = TYPES.find((s) => s.dtype === t.dataType)!;
  const count = t.dims.reduce((a, b) => a * Number(b), 1);
  const out = new Uint8Array(byteLength(spec, count));
  const dv = new DataView(out.buffer);
  if (t.floatData.length) t.floatData.forEach((v, i) => dv.setFloat32(4 * i, v, true));
  else if (t.doubleData.length) t.doubleData.forEach((v, i) => dv.setFloat64(8 * i, v, true));
  else if (t.int64Data.length) t.int64Data.forEach((v, i) => dv.setBigInt64(8 * i, v, true));
  else if (t.uint64Data.length) t.uint64Data.forEach((v, i) => (spec.size === 4 ? dv.setUint32(4 * i, Number(v), true) : dv.setBigUint64(8 * i, v, true)));
  else if (spec.size === 4) t.int32Data.forEach((v, i) => dv.setInt32(4 * i, v, true));
  else if (spec.size === 2) t.int32Data.forEach((v, i) => dv.setUint16(2 * i, v & 0xffff, true));
  else t.int32Data.forEach((v, i) => (out[i] = v & 0xff));
  return out;
}

/** Copy of `p` with external tensors read from `dir` (this test's resolver) and, if `typed`, typed fields as raw_data. */
function inlined(p: ModelProto, dir: string | undefined, typed: boolean): ModelProto {
  const q = fromBinary(ModelProtoSchema, toBinary(ModelProtoSchema, p));
  eachTensor(q, (t) => {
    if (t.dataLocation === TensorProto_DataLocation.EXTERNAL) {
      const kv = Object.fromEntries(t.externalData.map((e) => [e.key, e.value]));
      const offset = Number(kv.offset ?? 0);
      t.rawData = Uint8Array.from(readFileSync(join(dir!, kv.location!)).subarray(offset, offset + Number(kv.length)));
      t.externalData = [];
      delete (t as Partial<TensorProto>).dataLocation; // absent, as in a tensor that was never external
    } else if (typed && t.dataType !== DataType.STRING && t.rawData.byteLength === 0 && t.dims.every((d) => d > 0n)) {
      t.rawData = typedToRaw(t);
      t.floatData = t.doubleData = [];
      t.int32Data = [];
      t.int64Data = t.uint64Data = [];
    }
  });
  return fromBinary(ModelProtoSchema, toBinary(ModelProtoSchema, q));
}

function assertSame(actual: ModelProto, expected: ModelProto, what: string): void {
  if (equals(ModelProtoSchema, actual, expected)) {
    // equals() compares floats by value; the canonical encodings also agree bit for bit.
    assert.ok(Buffer.from(toBinary(ModelProtoSchema, actual)).equals(Buffer.from(toBinary(ModelProtoSchema, expected))), `${what}: same values, different bits`);
    return;
  }
  // Point at the first difference to make a failure readable.
  const path = firstDifference(toJson(ModelProtoSchema, actual), toJson(ModelProtoSchema, expected), "");
  if (path) assert.fail(`${what}: decoded messages differ at ${path}`);
  const a = new Map<string, TensorProto>();
  eachTensor(actual, (t, where) => a.set(where, t));
  const missing: string[] = [];
  eachTensor(expected, (t, where) => {
    const got = a.get(where);
    if (!got || !equals(TensorProtoSchema, got, t)) missing.push(`${where} ${t.dataType}[${t.dims}]: ${JSON.stringify(got ? diffFields(got, t) : "missing")}`);
  });
  assert.fail(`${what}: decoded messages differ; first tensors: ${missing.slice(0, 5).join("; ") || "(tensors agree: another field differs)"}`);
}

function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return a === b ? undefined : `${path} (${JSON.stringify(a)?.slice(0, 60)} vs ${JSON.stringify(b)?.slice(0, 60)})`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d) return d;
  }
  return undefined;
}

function diffFields(a: TensorProto, b: TensorProto): string[] {
  return TensorProtoSchema.fields.filter((f) => !equals(TensorProtoSchema, create(TensorProtoSchema, { [f.localName]: (a as never)[f.localName] }), create(TensorProtoSchema, { [f.localName]: (b as never)[f.localName] }))).map((f) => f.localName);
}

function bytesOf(a: HostTensor["data"]): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function countTensors(p: ModelProto, pred: (t: TensorProto) => boolean): number {
  let n = 0;
  eachTensor(p, (t) => void (pred(t) && n++));
  return n;
}

// ---------------------------------------------------------------------------------------------

test("every type, size and place: the in-memory path and inline files decode to the same message", () => {
  const ref = referenceModel();
  const bytes = toBinary(ModelProtoSchema, ref);
  // The reference really spans the thresholds and places.
  assert.ok(countTensors(ref, (t) => t.rawData.byteLength >= 4096) > 40);
  assert.ok(countTensors(ref, (t) => t.rawData.byteLength > 0 && t.rawData.byteLength < 1024) > 40);
  assert.ok(countTensors(ref, (t) => t.floatData.length + t.int32Data.length + t.int64Data.length + t.doubleData.length + t.uint64Data.length >= 1024) > 20);

  const model = parseModel(bytes);
  assertSame(fromBinary(ModelProtoSchema, serializeModel(model)), ref, "serializeModel");
  const dir = tempDir();
  saveModel(model, join(dir, "inline.onnx"), { externalData: false });
  assert.deepEqual(readdirSync(dir), ["inline.onnx"]);
  assertSame(fromBinary(ModelProtoSchema, readFileSync(join(dir, "inline.onnx"))), ref, "saved inline");
  const again = loadModel(join(dir, "inline.onnx"));
  assertSame(fromBinary(ModelProtoSchema, serializeModel(again)), ref, "reloaded and serialized");
});

test("every type, size and place: saved with external data, each tensor's bytes are where the file says", () => {
  const ref = referenceModel();
  const model = parseModel(toBinary(ModelProtoSchema, ref));
  const dir = tempDir();
  saveModel(model, join(dir, "ext.onnx"), { externalData: true, location: "ext.bin" });
  const saved = fromBinary(ModelProtoSchema, readFileSync(join(dir, "ext.onnx")));
  // Only tensors of at least 1,024 bytes moved, wherever they were (attributes and subgraphs too).
  let moved = 0;
  eachTensor(saved, (t) => {
    if (t.dataLocation !== TensorProto_DataLocation.EXTERNAL) return;
    moved++;
    const kv = Object.fromEntries(t.externalData.map((e) => [e.key, e.value]));
    assert.ok(Number(kv.length) >= 1024 && Number(kv.offset) % 64 === 0, `${t.name}: ${kv.length} bytes at ${kv.offset}`);
  });
  assert.ok(moved > 100, `${moved} tensors in the side file`);
  // Read back by this test's own resolver, it is the reference (typed fields compared as bytes).
  const expected = inlined(ref, undefined, true);
  assertSame(inlined(saved, dir, true), expected, "external file, resolved by the test");
  // Read back by quanta: lazily from the side file, then written out inline somewhere else.
  const reloaded = loadModel(join(dir, "ext.onnx"));
  assertSame(inlined(fromBinary(ModelProtoSchema, serializeModel(reloaded)), undefined, true), expected, "reloaded from external data");
  const dir2 = tempDir();
  saveModel(reloaded, join(dir2, "copy.onnx"), { externalData: true, location: "copy.bin", sizeThreshold: 4096 });
  assertSame(inlined(fromBinary(ModelProtoSchema, readFileSync(join(dir2, "copy.onnx"))), dir2, true), expected, "re-saved to another folder");
});

test("every type, size and place: a file whose tensors already live in a side file loads to the same message", () => {
  const ref = referenceModel();
  // Move every raw_data tensor of 1 byte or more (initializers, attributes, sparse parts,
  // subgraphs) into a side file, as another tool would, at unaligned offsets.
  const external = fromBinary(ModelProtoSchema, toBinary(ModelProtoSchema, ref));
  const chunks: Uint8Array[] = [];
  let offset = 3;
  chunks.push(new Uint8Array(3));
  eachTensor(external, (t) => {
    if (t.rawData.byteLength === 0) return;
    chunks.push(t.rawData);
    t.externalData = [
      create(StringStringEntryProtoSchema, { key: "location", value: "weights.bin" }),
      create(StringStringEntryProtoSchema, { key: "offset", value: String(offset) }),
      ...(t.rawData.byteLength % 2 ? [] : [create(StringStringEntryProtoSchema, { key: "length", value: String(t.rawData.byteLength) })]),
    ];
    t.dataLocation = TensorProto_DataLocation.EXTERNAL;
    offset += t.rawData.byteLength;
    t.rawData = new Uint8Array(0);
  });
  const dir = tempDir();
  writeFileSync(join(dir, "weights.bin"), Buffer.concat(chunks));
  writeFileSync(join(dir, "m.onnx"), toBinary(ModelProtoSchema, external));
  const model = loadModel(join(dir, "m.onnx"));
  assertSame(fromBinary(ModelProtoSchema, serializeModel(model)), ref, "external input, serialized inline");
  const out = tempDir();
  saveModel(model, join(out, "inline.onnx"), { externalData: false });
  assertSame(fromBinary(ModelProtoSchema, readFileSync(join(out, "inline.onnx"))), ref, "external input, saved inline");
});

// ---------------------------------------------------------------------------------------------
// ONNX Runtime: the in-memory hand-over and a file with external data give the values this test
// generated, for initializers, Constants of both kinds and subgraph tensors across the thresholds.

test("ONNX Runtime reads the hand-over and external-data files with the values that were written", async () => {
  const r = rng(7);
  // Element types ONNX Runtime's JS API returns; outputs are compared as raw bytes (bit exact).
  const HOST = [DataType.FLOAT, DataType.DOUBLE, DataType.INT8, DataType.UINT8, DataType.INT16, DataType.UINT16, DataType.INT32, DataType.UINT32, DataType.INT64, DataType.UINT64, DataType.FLOAT16, DataType.BOOL];
  const g = create(GraphProtoSchema, { name: "ort", input: [create(ValueInfoProtoSchema, { name: "cond", type: tensorType(DataType.BOOL, []) })] });
  const expected = new Map<string, Uint8Array>();
  const out = (name: string) => g.output.push(create(ValueInfoProtoSchema, { name }));
  for (const dtype of HOST) {
    const spec = TYPES.find((t) => t.dtype === dtype)!;
    for (const count of [Math.floor(1023 / spec.size), Math.ceil(1024 / spec.size), Math.ceil(4096 / spec.size)]) {
      for (const typed of [false, true]) {
        const id = `${spec.name}.${count}.${typed ? "typed" : "raw"}`;
        const init = makeTensor(spec, count, typed, `init.${id}`, r);
        if (spec.dtype === DataType.BOOL && !typed) init.rawData = init.rawData.map((b) => b & 1);
        const value = makeTensor(spec, count, typed, "", r);
        if (spec.dtype === DataType.BOOL && !typed) value.rawData = value.rawData.map((b) => b & 1);
        g.initializer.push(init);
        g.node.push(node("Identity", `id.init.${id}`, [`init.${id}`], [`out.init.${id}`]));
        g.node.push(node("Constant", `const.${id}`, [], [`out.const.${id}`], [attr({ name: "value", type: AT.TENSOR, t: value })]));
        out(`out.init.${id}`);
        out(`out.const.${id}`);
        expected.set(`out.init.${id}`, typed ? typedToRaw(init) : init.rawData);
        expected.set(`out.const.${id}`, typed ? typedToRaw(value) : value.rawData);
      }
    }
  }
  const floats = Array.from({ length: 1500 }, (_, i) => Math.fround(i / 3));
  g.node.push(node("Constant", "vf", [], ["out.vf"], [attr({ name: "value_floats", type: AT.FLOATS, floats })]));
  g.node.push(node("Constant", "vi", [], ["out.vi"], [attr({ name: "value_ints", type: AT.INTS, ints: floats.map((_, i) => BigInt(i) - 700n) })]));
  out("out.vf");
  out("out.vi");
  expected.set("out.vf", bytesOf(Float32Array.from(floats)));
  expected.set("out.vi", bytesOf(BigInt64Array.from(floats.map((_, i) => BigInt(i) - 700n))));
  const sp = sparseInit("sparse.w", DataType.FLOAT, [40, 60], 1100, true, r);
  g.sparseInitializer.push(sp);
  g.node.push(node("Identity", "id.sparse", ["sparse.w"], ["out.sparse"]));
  out("out.sparse");
  // Densified byte by byte (a float NaN read into JS and written back may change its bits).
  const dense = new Uint8Array(2400 * 4);
  const vals = sp.values!.rawData.byteLength ? sp.values!.rawData : typedToRaw(sp.values!);
  const idx = sp.indices!.int64Data.length ? sp.indices!.int64Data : Array.from(new BigInt64Array(Uint8Array.from(sp.indices!.rawData).buffer));
  for (let k = 0; k < 1100; k++) dense.set(vals.subarray(4 * k, 4 * k + 4), 4 * (Number(idx[2 * k]!) * 60 + Number(idx[2 * k + 1]!)));
  expected.set("out.sparse", dense);
  // If with a large Constant and a large initializer in its branches.
  const thenValue = makeTensor(TYPES[0]!, 3000, false, "", r);
  const elseInit = makeTensor(TYPES[0]!, 3000, true, "else.w", r);
  thenValue.dims = elseInit.dims = [3000n];
  const thenG = create(GraphProtoSchema, { name: "then", node: [node("Constant", "then.c", [], ["then.out"], [attr({ name: "value", type: AT.TENSOR, t: thenValue })])], output: [create(ValueInfoProtoSchema, { name: "then.out", type: tensorType(DataType.FLOAT, [3000]) })] });
  const elseG = create(GraphProtoSchema, { name: "else", initializer: [elseInit], node: [node("Identity", "else.id", ["else.w"], ["else.out"])], output: [create(ValueInfoProtoSchema, { name: "else.out", type: tensorType(DataType.FLOAT, [3000]) })] });
  g.node.push(node("If", "if", ["cond"], ["out.if"], [attr({ name: "then_branch", type: AT.GRAPH, g: thenG }), attr({ name: "else_branch", type: AT.GRAPH, g: elseG })]));
  out("out.if");
  const p = create(ModelProtoSchema, { irVersion: 8n, opsetImport: [opset("", 17n)], graph: g, producerName: "ort-check" });

  const check = (got: Record<string, HostTensor>, cond: boolean, what: string) => {
    for (const [name, want] of expected) assert.ok(bytesOf(got[name]!.data).equals(Buffer.from(want)), `${what}: ${name}`);
    const branch = cond ? thenValue.rawData : typedToRaw(elseInit);
    assert.ok(bytesOf(got["out.if"]!.data).equals(Buffer.from(branch)), `${what}: If (${cond})`);
  };
  const model = parseModel(toBinary(ModelProtoSchema, p));
  const session = await openSession(model, { optimizationLevel: "disabled" });
  for (const cond of [true, false]) check(await session.run({ cond: { type: "bool", dims: [], data: Uint8Array.of(cond ? 1 : 0) } }), cond, "in-memory hand-over");
  await session.release();
  // The same model saved with external data (Constant and subgraph tensors included), opened from the file.
  const dir = tempDir();
  saveModel(model, join(dir, "ext.onnx"), { externalData: true });
  const fromFile = await (await nodeRuntime()).createSession(join(dir, "ext.onnx"), { optimizationLevel: "disabled" });
  for (const cond of [true, false]) check(await fromFile.run({ cond: { type: "bool", dims: [], data: Uint8Array.of(cond ? 1 : 0) } }), cond, "external-data file");
  await fromFile.release();
});
