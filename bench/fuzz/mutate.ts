// Mutants of a seed model: damage to the file's bytes (bit flips, truncation, cut and repeated
// chunks) and structured damage at the protobuf level (wrong dims and types, data of the wrong
// length, dangling inputs, cycles, unknown ops and opsets, hostile external-data locations,
// garbage subgraphs, duplicate names, sparse initializers with bad indices, absurd IR versions,
// megabyte strings, out-of-range attributes, …). A mutant is a folder: the model file and copies
// of the seed's side files (possibly damaged too), plus symlinks some mutations plant.
//
// Everything is drawn from Rng(campaign seed, mutant index), so a mutant is rebuilt exactly from
// those two numbers.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { clone, create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  AttributeProtoSchema,
  AttributeProto_AttributeType as AT,
  FunctionProtoSchema,
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
  TypeProto_MapSchema,
  TypeProto_OptionalSchema,
  TypeProto_SequenceSchema,
  TypeProto_TensorSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from "../../src/ir/serde/gen/onnx/onnx_pb.js";
import { Rng } from "./rng.js";
import type { Seed } from "./seeds.js";

export interface Mutant {
  index: number;
  seed: string;
  /** What was done, in order, e.g. ["elem-type: graph input \"x\" float → int64"]. */
  mutations: string[];
  /** The model's file name inside the mutant folder. */
  file: string;
  /** Files to write, by name inside the folder. */
  files: Map<string, Uint8Array>;
  /** Symlinks to plant: [name in the folder, target]. */
  symlinks: [string, string][];
}

interface Ctx {
  rng: Rng;
  files: Map<string, Uint8Array>;
  symlinks: [string, string][];
  modelFile: string;
}

type Mutation = (p: ModelProto, c: Ctx) => string | null;

const seedCache = new Map<string, { files: Map<string, Uint8Array> }>();

function seedFiles(seed: Seed): Map<string, Uint8Array> {
  let e = seedCache.get(seed.dir);
  if (!e) {
    const files = new Map<string, Uint8Array>();
    for (const f of readdirSync(seed.dir).sort()) files.set(f, readFileSync(join(seed.dir, f)));
    seedCache.set(seed.dir, (e = { files }));
  }
  return new Map(e.files);
}

/** Mutant `index` of a campaign: the same (campaignSeed, index) always gives the same mutant. */
export function makeMutant(seeds: readonly Seed[], campaignSeed: number, index: number): Mutant {
  // A draw the protobuf writer refuses (it checks some values) is drawn again, deterministically.
  for (let attempt = 0; ; attempt++) {
    try {
      return drawMutant(seeds, attempt === 0 ? new Rng(campaignSeed, index) : new Rng(campaignSeed, index, attempt), index);
    } catch (e) {
      if (attempt >= 4) throw e;
    }
  }
}

function drawMutant(seeds: readonly Seed[], rng: Rng, index: number): Mutant {
  const seed = rng.weighted(seeds.map((s) => [s.weight, s] as const));
  const files = seedFiles(seed);
  const c: Ctx = { rng, files, symlinks: [], modelFile: seed.file };
  const mutations: string[] = [];
  const style = rng.weighted([
    [6, "structured"],
    [2, "bytes"],
    [1, "both"],
  ] as const);
  let bytes = files.get(seed.file)!;
  if (style !== "bytes") {
    // Parsed from a copy: bytes fields are views into the buffer, and some mutations write in place.
    const p = fromBinary(ModelProtoSchema, Uint8Array.from(bytes), { readUnknownFields: true });
    const n = rng.weighted([
      [6, 1],
      [3, 2],
      [1, 3],
    ] as const);
    for (let k = 0, tries = 0; k < n && tries < 40; tries++) {
      const [name, m] = rng.weighted(STRUCTURED.map(([w, name, f]) => [w, [name, f] as const] as const));
      const what = m(p, c);
      if (what === null) continue;
      mutations.push(`${name}: ${what}`);
      k++;
    }
    bytes = toBinary(ModelProtoSchema, p);
  }
  if (style !== "structured") {
    const [name, m] = rng.weighted(BYTES.map(([w, name, f]) => [w, [name, f] as const] as const));
    const r = m(bytes, rng);
    bytes = r.bytes;
    mutations.push(`${name}: ${r.what}`);
  }
  files.set(seed.file, bytes);
  return { index, seed: seed.name, mutations, file: seed.file, files, symlinks: c.symlinks };
}

// --- byte-level --------------------------------------------------------------------------------

type ByteMutation = (b: Uint8Array, rng: Rng) => { bytes: Uint8Array; what: string };

const BYTES: [number, string, ByteMutation][] = [
  [3, "bitflip", (b, rng) => {
    const out = Uint8Array.from(b);
    const n = 1 + rng.int(16);
    for (let i = 0; i < n; i++) out[rng.int(out.length)]! ^= 1 << rng.int(8);
    return { bytes: out, what: `${n} bit(s) flipped` };
  }],
  [3, "bitflip-head", (b, rng) => {
    const out = Uint8Array.from(b);
    const n = 1 + rng.int(4);
    for (let i = 0; i < n; i++) out[rng.int(Math.min(out.length, 512))]! ^= 1 << rng.int(8);
    return { bytes: out, what: `${n} bit(s) flipped in the first 512 bytes` };
  }],
  [2, "bytes", (b, rng) => {
    const out = Uint8Array.from(b);
    const n = 1 + rng.int(8);
    for (let i = 0; i < n; i++) out[rng.int(out.length)] = rng.pick([0, 0xff, 0x7f, 0x80, rng.int(256)]);
    return { bytes: out, what: `${n} byte(s) overwritten` };
  }],
  [3, "truncate", (b, rng) => {
    const at = rng.chance(0.3) ? rng.int(Math.min(b.length, 64)) : rng.int(b.length);
    return { bytes: b.subarray(0, at), what: `cut to ${at} of ${b.length} bytes` };
  }],
  [1, "cut-chunk", (b, rng) => {
    const at = rng.int(b.length);
    const len = 1 + rng.int(Math.min(4096, b.length - at));
    return { bytes: concat(b.subarray(0, at), b.subarray(at + len)), what: `bytes ${at}..${at + len} removed` };
  }],
  [1, "dup-chunk", (b, rng) => {
    const at = rng.int(b.length);
    const len = 1 + rng.int(Math.min(4096, b.length - at));
    return { bytes: concat(b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)), what: `bytes ${at}..${at + len} repeated` };
  }],
  [1, "insert", (b, rng) => {
    const at = rng.int(b.length);
    const junk = Uint8Array.from({ length: 1 + rng.int(64) }, () => rng.int(256));
    return { bytes: concat(b.subarray(0, at), junk, b.subarray(at)), what: `${junk.length} random byte(s) inserted at ${at}` };
  }],
  [1, "append", (b, rng) => {
    const junk = Uint8Array.from({ length: 1 + rng.int(256) }, () => rng.int(256));
    return { bytes: concat(b, junk), what: `${junk.length} random byte(s) appended` };
  }],
  [1, "zero-run", (b, rng) => {
    const at = rng.int(b.length);
    const len = 1 + rng.int(Math.min(1024, b.length - at));
    const out = Uint8Array.from(b);
    out.fill(0, at, at + len);
    return { bytes: out, what: `bytes ${at}..${at + len} zeroed` };
  }],
];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, o), (o += p.length);
  return out;
}

// --- walking the protobuf ----------------------------------------------------------------------

/** The main graph and every subgraph, with a label. */
function graphs(p: ModelProto): { g: GraphProto; label: string; owner?: NodeProto }[] {
  const out: { g: GraphProto; label: string; owner?: NodeProto }[] = [];
  const walk = (g: GraphProto, label: string, owner?: NodeProto) => {
    out.push(owner ? { g, label, owner } : { g, label });
    for (const n of g.node) {
      for (const a of n.attribute) {
        if (a.g) walk(a.g, `${label}/${n.name || n.opType}.${a.name}`, n);
        a.graphs.forEach((s, i) => walk(s, `${label}/${n.name || n.opType}.${a.name}[${i}]`, n));
      }
    }
  };
  if (p.graph) walk(p.graph, "main");
  return out;
}

function pickGraph(p: ModelProto, c: Ctx): { g: GraphProto; label: string; owner?: NodeProto } | null {
  const all = graphs(p);
  if (all.length === 0) return null;
  return c.rng.chance(0.7) || all.length === 1 ? all[0]! : c.rng.pick(all.slice(1));
}

function allNodes(p: ModelProto): { n: NodeProto; g: GraphProto; label: string }[] {
  return graphs(p).flatMap(({ g, label }) => g.node.map((n) => ({ n, g, label })));
}

function pickNode(p: ModelProto, c: Ctx, filter: (n: NodeProto) => boolean = () => true): { n: NodeProto; g: GraphProto; label: string } | null {
  const all = allNodes(p).filter((x) => filter(x.n));
  if (all.length === 0) return null;
  // Prefer the main graph, but subgraph nodes get their share.
  return c.rng.pick(all);
}

/** Every tensor in the model with a label: initializers, Constant values, sparse parts. */
function tensors(p: ModelProto): { t: TensorProto; label: string }[] {
  const out: { t: TensorProto; label: string }[] = [];
  for (const { g, label } of graphs(p)) {
    for (const t of g.initializer) out.push({ t, label: `${label} initializer ${q(t.name)}` });
    for (const s of g.sparseInitializer) {
      if (s.values) out.push({ t: s.values, label: `${label} sparse values ${q(s.values.name)}` });
      if (s.indices) out.push({ t: s.indices, label: `${label} sparse indices of ${q(s.values?.name ?? "")}` });
    }
    for (const n of g.node) for (const a of n.attribute) if (a.t) out.push({ t: a.t, label: `${label} ${n.opType} ${q(n.name)}.${a.name}` });
  }
  return out;
}

function valueInfos(p: ModelProto): { v: ValueInfoProto; label: string }[] {
  const out: { v: ValueInfoProto; label: string }[] = [];
  for (const { g, label } of graphs(p)) {
    for (const v of g.input) out.push({ v, label: `${label} input ${q(v.name)}` });
    for (const v of g.output) out.push({ v, label: `${label} output ${q(v.name)}` });
    for (const v of g.valueInfo) out.push({ v, label: `${label} value_info ${q(v.name)}` });
  }
  return out;
}

/** Names a graph defines: inputs, initializers, node outputs. */
function definedNames(g: GraphProto): string[] {
  return [...g.input.map((v) => v.name), ...g.initializer.map((t) => t.name), ...g.sparseInitializer.map((s) => s.values?.name ?? ""), ...g.node.flatMap((n) => n.output)].filter((s) => s);
}

function q(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 30)}…(${s.length})` : s);
}

const DTYPES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
const DTYPE_SIZE: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2, 17: 1, 18: 1, 19: 1, 20: 1 };
const HUGE_INTS = [-1n, 0n, 1n, 2n, 3n, 7n, -7n, 99n, -99n, 1000n, 100000n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n, 2n ** 40n, 2n ** 53n + 1n, 2n ** 62n, 2n ** 63n - 1n, -(2n ** 63n)];
const REAL_OPS = ["Relu", "Add", "Mul", "MatMul", "Gemm", "Conv", "Softmax", "Concat", "Reshape", "Transpose", "Gather", "Slice", "Split", "Squeeze", "Unsqueeze", "Cast", "Identity", "Sigmoid", "Tanh", "LayerNormalization", "BatchNormalization", "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "ReduceMean", "Resize", "Pad", "Expand", "Tile", "Where", "Equal", "TopK", "ArgMax", "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "MatMulInteger", "QLinearConv", "QLinearMatMul", "ConvInteger", "ConvTranspose", "Einsum", "Range", "ConstantOfShape", "NonZero", "Loop", "If", "Scan", "Shape", "Size", "Dropout", "Clip", "LeakyRelu", "Erf", "Sqrt", "Pow", "Div", "Sub", "Neg", "Abs", "Exp", "Log", "Constant", "RandomNormal", "Multinomial", "StringNormalizer", "SequenceConstruct", "SplitToSequence", "Optional"];
const huge = (rng: Rng) => rng.pick(["x", "é", "\n", "\0"]).repeat(rng.pick([300, 5000, 1 << 20, 3 << 20]));

function setDims(t: TensorProto, dims: bigint[]): void {
  t.dims = dims;
}

function countOf(dims: bigint[]): bigint {
  return dims.reduce((a, b) => a * b, 1n);
}

function tensorType(v: ValueInfoProto): { elemType: number; shape?: { dim: { value: { case: string | undefined; value?: unknown } }[] } } | null {
  return v.type?.value.case === "tensorType" ? (v.type.value.value as never) : null;
}

function intAttr(name: string, v: bigint): AttributeProto {
  return create(AttributeProtoSchema, { name, type: AT.INT, i: v });
}

function emptyGraph(name: string): GraphProto {
  return create(GraphProtoSchema, { name });
}

function floatValue(name: string, shape: (number | string)[] | null, elemType = 1): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: {
        case: "tensorType",
        value: create(TypeProto_TensorSchema, {
          elemType,
          ...(shape
            ? {
                shape: create(TensorShapeProtoSchema, {
                  dim: shape.map((d) => create(TensorShapeProto_DimensionSchema, { value: typeof d === "string" ? { case: "dimParam", value: d } : { case: "dimValue", value: BigInt(d) } })),
                }),
              }
            : {}),
        }),
      },
    }),
  });
}

/** Moves one initializer's data into a side file (so external-data mutations have something to break). */
function makeExternal(p: ModelProto, c: Ctx): TensorProto | null {
  const existing = tensors(p).filter(({ t }) => t.dataLocation === TensorProto_DataLocation.EXTERNAL);
  if (existing.length) return c.rng.pick(existing).t;
  const cands = (p.graph?.initializer ?? []).filter((t) => t.rawData.length > 0);
  if (!cands.length) return null;
  const t = c.rng.pick(cands);
  const name = "side.bin";
  const prev = c.files.get(name) ?? new Uint8Array(0);
  const offset = prev.length;
  c.files.set(name, concat(prev, t.rawData));
  t.externalData = [
    create(StringStringEntryProtoSchema, { key: "location", value: name }),
    create(StringStringEntryProtoSchema, { key: "offset", value: String(offset) }),
    create(StringStringEntryProtoSchema, { key: "length", value: String(t.rawData.length) }),
  ];
  t.rawData = new Uint8Array(0);
  t.dataLocation = TensorProto_DataLocation.EXTERNAL;
  return t;
}

function setKv(t: TensorProto, key: string, value: string | null): void {
  const rest = t.externalData.filter((e) => e.key !== key);
  t.externalData = value === null ? rest : [...rest, create(StringStringEntryProtoSchema, { key, value })];
}

// --- structured mutations ----------------------------------------------------------------------

const STRUCTURED: [number, string, Mutation][] = [
  [4, "init-dims-wrong", (p, c) => {
    const ts = tensors(p).filter(({ t }) => t.dims.length > 0 || c.rng.chance(0.2));
    if (!ts.length) return null;
    const { t, label } = c.rng.pick(ts);
    const before = `[${t.dims.join(",")}]`;
    const d = [...t.dims];
    const k = c.rng.int(Math.max(d.length, 1));
    switch (c.rng.int(5)) {
      case 0: d[k] = (d[k] ?? 1n) + 1n; break;
      case 1: d[k] = (d[k] ?? 1n) * 2n; break;
      case 2: d[k] = c.rng.pick(HUGE_INTS); break;
      case 3: d.splice(k, 1); break;
      default: d.splice(k, 0, c.rng.pick([1n, 2n, 0n]));
    }
    setDims(t, d);
    return `${label} dims ${before} → [${d.join(",")}]`;
  }],
  [3, "init-dims-reshape", (p, c) => {
    const ts = tensors(p).filter(({ t }) => t.dims.length > 0);
    if (!ts.length) return null;
    const { t, label } = c.rng.pick(ts);
    const before = `[${t.dims.join(",")}]`;
    const n = countOf(t.dims);
    const d = c.rng.pick([[n], [...t.dims].reverse(), [n, 1n], [1n, ...t.dims], t.dims.slice(0, -1).concat(t.dims.length > 1 ? [t.dims[t.dims.length - 1]! * 1n] : [])]);
    setDims(t, d);
    return `${label} dims ${before} → [${d.join(",")}] (same element count)`;
  }],
  [4, "value-dim", (p, c) => {
    const vs = valueInfos(p).filter(({ v }) => tensorType(v)?.shape?.dim.length);
    if (!vs.length) return null;
    const { v, label } = c.rng.pick(vs);
    const dims = tensorType(v)!.shape!.dim as unknown as { value: { case: string | undefined; value?: unknown } }[];
    const k = c.rng.int(dims.length);
    const choice = c.rng.int(10);
    if (choice < 7) dims[k]!.value = { case: "dimValue", value: c.rng.pick(HUGE_INTS) };
    else if (choice < 9) dims[k]!.value = { case: "dimParam", value: c.rng.pick(["", "batch", "N", huge(c.rng), "sequence", "x y"]) };
    else dims[k]!.value = { case: undefined };
    return `${label} axis ${k} → ${dims[k]!.value.case ?? "unset"} ${String(dims[k]!.value.value ?? "").slice(0, 30)}`;
  }],
  [2, "value-rank", (p, c) => {
    const vs = valueInfos(p).filter(({ v }) => tensorType(v));
    if (!vs.length) return null;
    const { v, label } = c.rng.pick(vs);
    const tt = v.type!.value.value as { shape?: { dim: unknown[] } };
    switch (c.rng.int(4)) {
      case 0:
        delete tt.shape;
        return `${label} shape removed`;
      case 1:
        if (tt.shape) tt.shape.dim = [];
        return `${label} made a scalar`;
      case 2:
        if (!tt.shape?.dim.length) return null;
        tt.shape.dim.pop();
        return `${label} lost its last axis`;
      default:
        if (!tt.shape) return null;
        tt.shape.dim.push(create(TensorShapeProto_DimensionSchema, { value: { case: "dimValue", value: c.rng.pick([1n, 2n, 3n]) } }));
        return `${label} gained an axis`;
    }
  }],
  [4, "elem-type", (p, c) => {
    const vs = valueInfos(p).filter(({ v }) => tensorType(v));
    if (!vs.length) return null;
    const { v, label } = c.rng.pick(vs);
    const tt = v.type!.value.value as { elemType: number };
    const before = tt.elemType;
    tt.elemType = c.rng.pick([...DTYPES, 0, 99, 7, 7, 10, 10, 2, 9, 8]);
    return `${label} elem_type ${before} → ${tt.elemType}`;
  }],
  [3, "init-dtype", (p, c) => {
    const ts = tensors(p);
    if (!ts.length) return null;
    const { t, label } = c.rng.pick(ts);
    const before = t.dataType;
    const size = DTYPE_SIZE[before];
    const same = Object.entries(DTYPE_SIZE).filter(([k, s]) => s === size && Number(k) !== before).map(([k]) => Number(k));
    t.dataType = same.length && c.rng.chance(0.6) ? c.rng.pick(same) : c.rng.pick([...DTYPES, 0, 99, -1]);
    return `${label} data_type ${before} → ${t.dataType}${DTYPE_SIZE[t.dataType] === size ? " (same element size: bytes reinterpreted)" : ""}`;
  }],
  [3, "raw-length", (p, c) => {
    const ts = tensors(p).filter(({ t }) => t.rawData.length > 0 || t.floatData.length > 0 || t.int64Data.length > 0);
    if (!ts.length) return null;
    const { t, label } = c.rng.pick(ts);
    if (t.rawData.length > 0) {
      const before = t.rawData.length;
      const n = c.rng.pick([0, 1, 3, 4, 8, before - 1, before >> 1, before + 1, before + 4, before * 2]);
      const out = new Uint8Array(Math.max(n, 0));
      out.set(t.rawData.subarray(0, Math.min(n, before)));
      t.rawData = out;
      return `${label} raw_data ${before} → ${out.length} bytes`;
    }
    if (t.floatData.length) {
      const before = t.floatData.length;
      t.floatData = c.rng.chance(0.5) ? t.floatData.slice(0, before - 1) : [...t.floatData, 1.5];
      return `${label} float_data ${before} → ${t.floatData.length} values`;
    }
    const before = t.int64Data.length;
    t.int64Data = c.rng.chance(0.5) ? t.int64Data.slice(0, before - 1) : [...t.int64Data, 5n];
    return `${label} int64_data ${before} → ${t.int64Data.length} values`;
  }],
  [3, "init-values", (p, c) => {
    const ts = tensors(p).filter(({ t }) => t.rawData.length > 0 || t.int64Data.length > 0 || t.floatData.length > 0);
    if (!ts.length) return null;
    const { t, label } = c.rng.pick(ts);
    if (t.dataType === 7) {
      const v = c.rng.pick(HUGE_INTS);
      if (t.rawData.length) {
        const dv = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
        const i = c.rng.int(t.rawData.length >> 3);
        dv.setBigInt64(i * 8, BigInt.asIntN(64, v), true);
        return `${label} element ${i} → ${v}`;
      }
      const i = c.rng.int(t.int64Data.length);
      t.int64Data[i] = BigInt.asIntN(64, v);
      return `${label} element ${i} → ${v}`;
    }
    if (t.dataType !== 1) return null;
    const special = c.rng.pick([NaN, Infinity, -Infinity, 0, -0, 3.4e38, -3.4e38, 1e-45, 1e30, 65504, 70000]);
    const all = c.rng.chance(0.4);
    if (t.rawData.length) {
      const raw = Uint8Array.from(t.rawData);
      const dv = new DataView(raw.buffer);
      const n = raw.length >> 2;
      for (let i = 0; i < n; i++) if (all || c.rng.chance(0.05)) dv.setFloat32(i * 4, special, true);
      t.rawData = raw;
    } else t.floatData = t.floatData.map((x) => (all || c.rng.chance(0.05) ? special : x));
    return `${label} ${all ? "all" : "some"} values → ${special}`;
  }],
  [4, "dangling-input", (p, c) => {
    const x = pickNode(p, c, (n) => n.input.length > 0);
    if (!x) return null;
    const k = c.rng.int(x.n.input.length);
    const before = x.n.input[k]!;
    x.n.input[k] = c.rng.pick(["nothing_defines_this", `${before}_gone`, " ", "\u0000"]);
    return `${x.label} ${x.n.opType} ${q(x.n.name)} input ${k} ${q(before)} → ${q(x.n.input[k]!)}`;
  }],
  [3, "cycle", (p, c) => {
    const g = pickGraph(p, c)?.g;
    if (!g || g.node.length < 1) return null;
    const i = c.rng.int(g.node.length);
    const j = i + c.rng.int(g.node.length - i); // a node at or after i
    const a = g.node[i]!;
    const b = g.node[j]!;
    if (!a.input.length || !b.output.length || !b.output[0]) return null;
    const k = c.rng.int(a.input.length);
    a.input[k] = b.output[0]!;
    return `${a.opType} ${q(a.name)} input ${k} ← output of ${b.opType} ${q(b.name)}${i === j ? " (itself)" : " (downstream)"}`;
  }],
  [3, "unknown-op", (p, c) => {
    const x = pickNode(p, c);
    if (!x) return null;
    const before = x.n.opType;
    x.n.opType = c.rng.pick(["FooBar", "Conv2", "", "conv", "relu ", "Custom" + c.rng.int(1000), huge(c.rng), "MatMul\u0000"]);
    return `${x.label} ${q(x.n.name)} op ${q(before)} → ${q(x.n.opType)}`;
  }],
  [4, "op-swap", (p, c) => {
    const x = pickNode(p, c);
    if (!x) return null;
    const before = x.n.opType;
    x.n.opType = c.rng.pick(REAL_OPS);
    return `${x.label} ${q(x.n.name)} op ${before} → ${x.n.opType}`;
  }],
  [2, "domain", (p, c) => {
    const x = pickNode(p, c);
    if (!x) return null;
    const d = c.rng.pick(["com.microsoft", "com.evil", "ai.onnx.ml", "ai.onnx", "ai.onnx.preview.training", "org.pytorch.aten", huge(c.rng)]);
    x.n.domain = d;
    if (c.rng.chance(0.5)) p.opsetImport.push(create(OperatorSetIdProtoSchema, { domain: d, version: c.rng.pick([1n, 3n, 0n, 99n]) }));
    return `${x.label} ${x.n.opType} ${q(x.n.name)} domain → ${q(d)}`;
  }],
  [3, "opset-version", (p, c) => {
    const o = p.opsetImport.find((o) => o.domain === "" || o.domain === "ai.onnx") ?? p.opsetImport[0];
    if (!o) return null;
    const before = o.version;
    o.version = c.rng.pick([0n, 1n, 6n, 7n, 9n, 10n, 11n, 12n, 13n, 15n, 19n, 21n, 22n, 23n, 24n, 25n, 99n, 2n ** 40n, -1n]);
    return `default opset ${before} → ${o.version}`;
  }],
  [2, "opset-domain", (p, c) => {
    switch (c.rng.int(4)) {
      case 0:
        p.opsetImport = p.opsetImport.filter((o) => o.domain !== "" && o.domain !== "ai.onnx");
        return "default opset import removed";
      case 1:
        p.opsetImport.push(create(OperatorSetIdProtoSchema, { domain: "", version: c.rng.pick([1n, 13n, 21n]) }));
        return "default domain imported twice";
      case 2:
        p.opsetImport.push(create(OperatorSetIdProtoSchema, { domain: c.rng.pick(["com.evil", huge(c.rng), "com.microsoft"]), version: c.rng.pick([1n, 0n, 2n ** 62n]) }));
        return "extra domain imported";
      default:
        p.opsetImport = [];
        return "no opset imports";
    }
  }],
  [2, "ir-version", (p, c) => {
    const before = p.irVersion;
    p.irVersion = c.rng.pick([0n, 1n, 2n, 3n, 4n, 7n, 9n, 11n, 12n, 13n, 14n, 99n, -1n, 2n ** 40n]);
    return `ir_version ${before} → ${p.irVersion}`;
  }],
  [4, "external-location", (p, c) => {
    const t = makeExternal(p, c);
    if (!t) return null;
    const kind = c.rng.int(9);
    const loc = ["/etc/hostname", "../escape.bin", "missing.bin", "", ".", "sub/../side.bin", "link.bin", "dir", "side.bin\u0000.txt"][kind]!;
    if (loc === "link.bin") c.symlinks.push(["link.bin", c.rng.pick(["/etc/hostname", "/dev/zero", "../x", "/proc/self/mem"])]);
    if (loc === "dir") c.symlinks.push(["dir", "."]);
    if (loc === "sub/../side.bin") c.symlinks.push(["sub", "."]);
    setKv(t, "location", loc);
    return `tensor ${q(t.name)} external location → ${q(loc)}`;
  }],
  [4, "external-range", (p, c) => {
    const t = makeExternal(p, c);
    if (!t) return null;
    const key = c.rng.pick(["offset", "length", "checksum"]);
    const val = c.rng.pick(["999999999", "18446744073709551615", "-1", "1e3", "", "0x10", "4096", "1", "0", null]);
    setKv(t, key, val);
    return `tensor ${q(t.name)} external ${key} → ${val === null ? "removed" : q(val)}`;
  }],
  [2, "external-file", (p, c) => {
    const t = makeExternal(p, c);
    if (!t) return null;
    const loc = t.externalData.find((e) => e.key === "location")?.value ?? "";
    const data = c.files.get(loc);
    if (!data) return null;
    switch (c.rng.int(4)) {
      case 0:
        c.files.delete(loc);
        return `side file ${q(loc)} deleted`;
      case 1:
        c.files.set(loc, new Uint8Array(0));
        return `side file ${q(loc)} emptied`;
      case 2: {
        const n = c.rng.int(data.length);
        c.files.set(loc, data.subarray(0, n));
        return `side file ${q(loc)} cut to ${n} bytes`;
      }
      default: {
        const out = Uint8Array.from(data);
        for (let i = 0; i < 16; i++) out[c.rng.int(out.length)] = 0xff;
        c.files.set(loc, out);
        return `side file ${q(loc)} bytes overwritten with 0xff`;
      }
    }
  }],
  [4, "subgraph-garbage", (p, c) => {
    const withG = allNodes(p).filter(({ n }) => n.attribute.some((a) => a.g || a.graphs.length));
    const kind = c.rng.int(8);
    if (!withG.length || kind === 7) {
      // A GRAPH attribute on an op that has none.
      const x = pickNode(p, c);
      if (!x) return null;
      const body = p.graph ? Object.assign(clone(GraphProtoSchema, p.graph), { name: "stray" }) : emptyGraph("stray");
      x.n.attribute.push(create(AttributeProtoSchema, { name: c.rng.pick(["body", "then_branch", "junk"]), type: AT.GRAPH, g: body }));
      return `${x.n.opType} ${q(x.n.name)} given a GRAPH attribute`;
    }
    const { n } = c.rng.pick(withG);
    const a = c.rng.pick(n.attribute.filter((a) => a.g || a.graphs.length));
    const g = a.g ?? a.graphs[0]!;
    switch (kind) {
      case 0:
        g.output = [];
        return `${n.opType} ${q(n.name)}.${a.name}: subgraph outputs removed`;
      case 1:
        g.output.push(g.output[0] ?? floatValue("extra", [1]));
        return `${n.opType} ${q(n.name)}.${a.name}: an extra subgraph output`;
      case 2:
        a.type = c.rng.pick([AT.INT, AT.FLOAT, AT.GRAPHS, AT.UNDEFINED, AT.TENSOR]);
        return `${n.opType} ${q(n.name)}.${a.name}: attribute type → ${a.type}`;
      case 3:
        a.g = emptyGraph("empty");
        return `${n.opType} ${q(n.name)}.${a.name}: empty subgraph`;
      case 4:
        n.attribute = n.attribute.filter((x) => x !== a);
        return `${n.opType} ${q(n.name)}: attribute ${a.name} removed`;
      case 5:
        g.input = c.rng.chance(0.5) ? [] : [...g.input, floatValue("stray_in", [2, 2], c.rng.pick([1, 7, 9]))];
        return `${n.opType} ${q(n.name)}.${a.name}: subgraph inputs → ${g.input.length}`;
      default:
        if (p.graph) a.g = Object.assign(clone(GraphProtoSchema, p.graph), { name: "copy_of_main" });
        return `${n.opType} ${q(n.name)}.${a.name}: the main graph as subgraph`;
    }
  }],
  [2, "subgraph-outer-ref", (p, c) => {
    const subs = graphs(p).slice(1);
    if (!subs.length) return null;
    const { g, label } = c.rng.pick(subs);
    const n = g.node.find((n) => n.input.length);
    if (!n) return null;
    const outerLater = p.graph!.node[p.graph!.node.length - 1]?.output[0];
    n.input[0] = c.rng.pick([outerLater ?? "y", "only_in_other_branch", g.output[0]?.name ?? "z"]);
    return `${label} ${n.opType} ${q(n.name)} input 0 → ${q(n.input[0]!)}`;
  }],
  [3, "dup-output", (p, c) => {
    const g = pickGraph(p, c)?.g;
    if (!g || g.node.length < 2) return null;
    const a = c.rng.pick(g.node);
    const b = c.rng.pick(g.node.filter((x) => x !== a));
    if (!a.output[0] || !b.output.length) return null;
    b.output[0] = a.output[0];
    return `${b.opType} ${q(b.name)} writes ${q(a.output[0])} too`;
  }],
  [2, "dup-graph-output", (p, c) => {
    const g = p.graph;
    if (!g?.output.length) return null;
    if (c.rng.chance(0.5)) {
      g.output.push(clone(ValueInfoProtoSchema, g.output[0]!));
      return "graph output listed twice";
    }
    if (!g.input.length) return null;
    g.output.push(clone(ValueInfoProtoSchema, g.input[0]!));
    return `graph input ${q(g.input[0]!.name)} is also an output`;
  }],
  [2, "dup-init", (p, c) => {
    const g = p.graph;
    if (!g?.initializer.length) return null;
    const t = c.rng.pick(g.initializer);
    const copy = clone(TensorProtoSchema, t);
    if (c.rng.chance(0.5)) copy.dims = [1n], (copy.rawData = new Uint8Array(DTYPE_SIZE[copy.dataType] ?? 4)), (copy.floatData = []), (copy.int64Data = []);
    g.initializer.push(copy);
    return `initializer ${q(t.name)} defined twice`;
  }],
  [2, "dup-input", (p, c) => {
    const g = p.graph;
    if (!g?.input.length) return null;
    const v = c.rng.pick(g.input);
    const copy = clone(ValueInfoProtoSchema, v);
    if (c.rng.chance(0.5)) copy.type = floatValue("t", [3], 7).type!;
    g.input.push(copy);
    return `graph input ${q(v.name)} listed twice`;
  }],
  [2, "name-collision", (p, c) => {
    const g = pickGraph(p, c)?.g;
    if (!g?.node.length) return null;
    const names = definedNames(g);
    const n = c.rng.pick(g.node);
    if (!n.output.length || !names.length) return null;
    const before = n.output[0]!;
    n.output[0] = c.rng.pick(names);
    return `${n.opType} ${q(n.name)} output ${q(before)} → existing name ${q(n.output[0]!)}`;
  }],
  [3, "sparse-bad", (p, c) => {
    const g = p.graph;
    if (!g) return null;
    if (!g.sparseInitializer.length) {
      const cands = g.initializer.filter((t) => t.dataType === 1 && t.rawData.length >= 8 && t.rawData.length % 4 === 0);
      if (!cands.length) return null;
      const t = c.rng.pick(cands);
      const dense = new Float32Array(Uint8Array.from(t.rawData).buffer);
      const idx: bigint[] = [];
      const vals: number[] = [];
      dense.forEach((v, k) => (k % 3 === 0 ? (idx.push(BigInt(k)), vals.push(v)) : undefined));
      g.initializer = g.initializer.filter((x) => x !== t);
      g.sparseInitializer.push(
        create(SparseTensorProtoSchema, {
          values: create(TensorProtoSchema, { name: t.name, dataType: 1, dims: [BigInt(vals.length)], floatData: vals }),
          indices: create(TensorProtoSchema, { name: `${t.name}_idx`, dataType: 7, dims: [BigInt(idx.length)], int64Data: idx }),
          dims: t.dims,
        }),
      );
    }
    const s = c.rng.pick(g.sparseInitializer);
    const name = s.values?.name ?? "";
    const ind = s.indices;
    switch (c.rng.int(8)) {
      case 0:
        if (!ind?.int64Data.length) return null;
        ind.int64Data[c.rng.int(ind.int64Data.length)] = c.rng.pick([-1n, countOf(s.dims), countOf(s.dims) + 100n, 2n ** 62n, -(2n ** 63n)]);
        return `sparse ${q(name)}: an index out of range`;
      case 1:
        if (!ind?.int64Data.length) return null;
        ind.int64Data.reverse();
        return `sparse ${q(name)}: indices unsorted`;
      case 2:
        if (!ind || ind.int64Data.length < 2) return null;
        ind.int64Data[1] = ind.int64Data[0]!;
        return `sparse ${q(name)}: a duplicate index`;
      case 3:
        s.dims = c.rng.pick([[1n], [], [-1n, 4n], [2n ** 40n, 2n ** 40n], [...s.dims, 2n]]);
        return `sparse ${q(name)}: dims → [${s.dims.join(",")}]`;
      case 4:
        if (!ind) return null;
        ind.dims = c.rng.pick([[ind.dims[0] ?? 0n, 2n], [1n], [], [(ind.dims[0] ?? 1n) + 1n]]);
        return `sparse ${q(name)}: indices dims → [${ind.dims.join(",")}]`;
      case 5:
        if (!ind) return null;
        ind.dataType = c.rng.pick([6, 1, 0]);
        return `sparse ${q(name)}: indices data_type → ${ind.dataType}`;
      case 6:
        delete s.indices;
        return `sparse ${q(name)}: indices removed`;
      default:
        delete s.values;
        return `sparse ${q(name)}: values removed`;
    }
  }],
  [3, "huge-string", (p, c) => {
    const s = huge(c.rng);
    const x = pickNode(p, c);
    switch (c.rng.int(7)) {
      case 0:
        if (!x) return null;
        x.n.name = s;
        return `node name → ${s.length} characters`;
      case 1: {
        // rename a value everywhere it appears (consistent, so the model is still valid)
        if (!x?.n.output[0]) return null;
        const old = x.n.output[0];
        for (const { g } of graphs(p)) {
          for (const n of g.node) (n.input = n.input.map((i) => (i === old ? s : i))), (n.output = n.output.map((o) => (o === old ? s : o)));
          for (const v of [...g.output, ...g.valueInfo]) if (v.name === old) v.name = s;
        }
        return `value ${q(old)} renamed to ${s.length} characters`;
      }
      case 2:
        p.docString = s;
        return `model doc_string → ${s.length} characters`;
      case 3:
        p.producerName = s;
        return `producer_name → ${s.length} characters`;
      case 4:
        p.metadataProps.push(create(StringStringEntryProtoSchema, { key: s, value: s }));
        return `metadata entry of ${s.length} characters`;
      case 5: {
        const vs = valueInfos(p).filter(({ v }) => tensorType(v)?.shape?.dim.length);
        if (!vs.length) return null;
        const dims = tensorType(c.rng.pick(vs).v)!.shape!.dim as unknown as { value: unknown }[];
        dims[0]!.value = { case: "dimParam", value: s };
        return `dim_param of ${s.length} characters`;
      }
      default:
        if (!x) return null;
        x.n.attribute.push(create(AttributeProtoSchema, { name: "note", type: AT.STRING, s: new TextEncoder().encode(s) }));
        return `string attribute of ${s.length} characters`;
    }
  }],
  [3, "attr-delete", (p, c) => {
    const x = pickNode(p, c, (n) => n.attribute.length > 0);
    if (!x) return null;
    const a = c.rng.pick(x.n.attribute);
    x.n.attribute = x.n.attribute.filter((b) => b !== a);
    return `${x.n.opType} ${q(x.n.name)}: attribute ${a.name} removed`;
  }],
  [3, "attr-type", (p, c) => {
    const x = pickNode(p, c, (n) => n.attribute.length > 0);
    if (!x) return null;
    const a = c.rng.pick(x.n.attribute);
    const before = a.type;
    a.type = c.rng.pick([AT.UNDEFINED, AT.FLOAT, AT.INT, AT.STRING, AT.TENSOR, AT.GRAPH, AT.FLOATS, AT.INTS, AT.STRINGS, AT.TENSORS, AT.GRAPHS, AT.SPARSE_TENSOR, AT.TYPE_PROTO]);
    return `${x.n.opType} ${q(x.n.name)}.${a.name} type ${before} → ${a.type}`;
  }],
  [5, "attr-value", (p, c) => {
    const x = pickNode(p, c, (n) => n.attribute.some((a) => a.type === AT.INT || a.type === AT.INTS || a.type === AT.FLOAT || a.type === AT.FLOATS));
    if (!x) return null;
    const a = c.rng.pick(x.n.attribute.filter((a) => a.type === AT.INT || a.type === AT.INTS || a.type === AT.FLOAT || a.type === AT.FLOATS));
    if (a.type === AT.INT) {
      a.i = c.rng.pick(HUGE_INTS);
      return `${x.n.opType} ${q(x.n.name)}.${a.name} → ${a.i}`;
    }
    if (a.type === AT.FLOAT) {
      a.f = c.rng.pick([NaN, Infinity, -1, 0, 1e30]);
      return `${x.n.opType} ${q(x.n.name)}.${a.name} → ${a.f}`;
    }
    if (a.type === AT.FLOATS) {
      a.floats = c.rng.chance(0.5) ? [] : a.floats.map(() => c.rng.pick([NaN, -1, 0, 1e30]));
      return `${x.n.opType} ${q(x.n.name)}.${a.name} → [${a.floats.join(",")}]`;
    }
    switch (c.rng.int(4)) {
      case 0:
        a.ints = a.ints.map(() => c.rng.pick(HUGE_INTS));
        break;
      case 1:
        a.ints = a.ints.slice(0, -1);
        break;
      case 2:
        a.ints = [...a.ints, ...a.ints, 1n];
        break;
      default:
        if (a.ints.length) a.ints[c.rng.int(a.ints.length)] = c.rng.pick([0n, -1n, -2n, 2n ** 31n]);
    }
    return `${x.n.opType} ${q(x.n.name)}.${a.name} → [${a.ints.join(",")}]`;
  }],
  [2, "attr-add", (p, c) => {
    const x = pickNode(p, c);
    if (!x) return null;
    const name = c.rng.pick(["axis", "group", "kernel_shape", "pads", "strides", "dilations", "perm", "to", "keepdims", "bogus", x.n.attribute[0]?.name ?? "alpha"]);
    const a =
      c.rng.chance(0.5)
        ? create(AttributeProtoSchema, { name, type: AT.INTS, ints: Array.from({ length: c.rng.int(5) }, () => c.rng.pick(HUGE_INTS)) })
        : intAttr(name, c.rng.pick(HUGE_INTS));
    x.n.attribute.push(a);
    return `${x.n.opType} ${q(x.n.name)} gets attribute ${name}${x.n.attribute.filter((b) => b.name === name).length > 1 ? " (a second time)" : ""}`;
  }],
  [4, "node-inputs", (p, c) => {
    const x = pickNode(p, c);
    if (!x) return null;
    const names = definedNames(x.g);
    switch (c.rng.int(5)) {
      case 0:
        if (!x.n.input.length) return null;
        x.n.input.pop();
        return `${x.n.opType} ${q(x.n.name)} lost its last input`;
      case 1:
        if (!names.length) return null;
        x.n.input.push(c.rng.pick(names));
        return `${x.n.opType} ${q(x.n.name)} got an extra input`;
      case 2:
        if (x.n.input.length < 2) return null;
        x.n.input.reverse();
        return `${x.n.opType} ${q(x.n.name)} inputs reversed`;
      case 3:
        if (!x.n.input.length) return null;
        x.n.input[c.rng.int(x.n.input.length)] = "";
        return `${x.n.opType} ${q(x.n.name)} an input left empty`;
      default:
        x.n.input = [];
        return `${x.n.opType} ${q(x.n.name)} lost all inputs`;
    }
  }],
  [2, "node-outputs", (p, c) => {
    const x = pickNode(p, c);
    if (!x) return null;
    switch (c.rng.int(3)) {
      case 0:
        x.n.output = [];
        return `${x.n.opType} ${q(x.n.name)} lost its outputs`;
      case 1:
        x.n.output.push(`extra_${c.rng.int(1000)}`, `extra2_${c.rng.int(1000)}`);
        return `${x.n.opType} ${q(x.n.name)} got extra outputs`;
      default:
        if (!x.n.output.length) return null;
        x.n.output[0] = "";
        return `${x.n.opType} ${q(x.n.name)} first output left unnamed`;
    }
  }],
  [2, "node-delete", (p, c) => {
    const gp = pickGraph(p, c);
    if (!gp?.g.node.length) return null;
    const i = c.rng.int(gp.g.node.length);
    const [n] = gp.g.node.splice(i, 1);
    return `${gp.label} node ${n!.opType} ${q(n!.name)} removed`;
  }],
  [1, "node-dup", (p, c) => {
    const gp = pickGraph(p, c);
    if (!gp?.g.node.length) return null;
    const n = c.rng.pick(gp.g.node);
    const copy = clone(NodeProtoSchema, n);
    if (c.rng.chance(0.5)) copy.output = n.output.map((o) => `${o}_dup`);
    gp.g.node.splice(c.rng.int(gp.g.node.length + 1), 0, copy);
    return `${n.opType} ${q(n.name)} duplicated${copy.output[0] === n.output[0] ? " with the same outputs" : ""}`;
  }],
  [1, "node-shuffle", (p, c) => {
    const g = pickGraph(p, c)?.g;
    if (!g || g.node.length < 2) return null;
    for (let i = g.node.length - 1; i > 0; i--) {
      const j = c.rng.int(i + 1);
      [g.node[i], g.node[j]] = [g.node[j]!, g.node[i]!];
    }
    return "node order shuffled (still a valid graph)";
  }],
  [2, "graph-outputs", (p, c) => {
    const g = p.graph;
    if (!g) return null;
    switch (c.rng.int(4)) {
      case 0:
        g.output = [];
        return "graph outputs removed";
      case 1:
        if (!g.initializer.length) return null;
        g.output.push(floatValue(g.initializer[0]!.name, null, g.initializer[0]!.dataType));
        return `initializer ${q(g.initializer[0]!.name)} made a graph output`;
      case 2:
        if (!g.output.length) return null;
        delete g.output[0]!.type;
        return "first graph output has no type";
      default:
        g.output.push(floatValue("never_made", [1]));
        return "graph output nothing produces";
    }
  }],
  [3, "graph-inputs", (p, c) => {
    const g = p.graph;
    if (!g) return null;
    switch (c.rng.int(5)) {
      case 0:
        if (!g.input.length) return null;
        g.input.splice(c.rng.int(g.input.length), 1);
        return "a graph input removed";
      case 1: {
        const kind = c.rng.int(3);
        const elem = create(TypeProtoSchema, { value: { case: "tensorType", value: create(TypeProto_TensorSchema, { elemType: 1 }) } });
        const type =
          kind === 0
            ? create(TypeProtoSchema, { value: { case: "sequenceType", value: create(TypeProto_SequenceSchema, { elemType: elem }) } })
            : kind === 1
              ? create(TypeProtoSchema, { value: { case: "mapType", value: create(TypeProto_MapSchema, { keyType: 7, valueType: elem }) } })
              : create(TypeProtoSchema, { value: { case: "optionalType", value: create(TypeProto_OptionalSchema, { elemType: elem }) } });
        const v = create(ValueInfoProtoSchema, { name: "odd_input", type });
        if (c.rng.chance(0.5) && g.input.length) g.input[0] = Object.assign(v, { name: g.input[0]!.name });
        else g.input.push(v);
        return `a graph input of ${["sequence", "map", "optional"][kind]} type`;
      }
      case 2:
        if (!g.input.length) return null;
        delete g.input[0]!.type;
        return "first graph input has no type";
      case 3:
        if (!g.initializer.length) return null;
        g.input.push(floatValue(g.initializer[0]!.name, [c.rng.pick([1, 2, 5])], g.initializer[0]!.dataType));
        return `initializer ${q(g.initializer[0]!.name)} also a graph input of another shape`;
      default:
        g.input.push(floatValue("unused_in", [c.rng.pick(["b", "batch"]), 4], c.rng.pick([1, 7, 8, 9, 10, 16])));
        return "an unused graph input";
    }
  }],
  [2, "constant-node", (p, c) => {
    const g = pickGraph(p, c)?.g;
    if (!g) return null;
    let n = g.node.find((n) => n.opType === "Constant");
    if (!n) {
      // Turn an initializer read by some node into a Constant node.
      const t = g.initializer[0];
      if (!t) return null;
      g.initializer = g.initializer.slice(1);
      n = create(NodeProtoSchema, { opType: "Constant", output: [t.name], name: "const_from_init", attribute: [create(AttributeProtoSchema, { name: "value", type: AT.TENSOR, t })] });
      g.node.unshift(n);
    }
    switch (c.rng.int(5)) {
      case 0:
        n.attribute = [];
        return "Constant with no attribute";
      case 1:
        n.attribute = [create(AttributeProtoSchema, { name: "value_floats", type: AT.FLOATS, floats: [1, 2, 3] })];
        return "Constant value → value_floats [1,2,3]";
      case 2:
        n.attribute = [create(AttributeProtoSchema, { name: "value_string", type: AT.STRING, s: new TextEncoder().encode("hello") })];
        return "Constant value → value_string";
      case 3:
        n.attribute.push(create(AttributeProtoSchema, { name: "value_int", type: AT.INT, i: 3n }));
        return "Constant with two values";
      default:
        n.attribute = [create(AttributeProtoSchema, { name: "sparse_value", type: AT.SPARSE_TENSOR, sparseTensor: create(SparseTensorProtoSchema, { dims: [4n], values: create(TensorProtoSchema, { dataType: 1, dims: [1n], floatData: [1] }), indices: create(TensorProtoSchema, { dataType: 7, dims: [1n], int64Data: [c.rng.pick([0n, 9n, -1n])] }) }) })];
        return "Constant value → sparse_value";
    }
  }],
  [2, "shape-tensor", (p, c) => {
    // The int64 constant a Reshape/Expand/Tile/Slice/… reads, set to garbage.
    for (const { g } of graphs(p)) {
      const users = g.node.filter((n) => ["Reshape", "Expand", "Tile", "Slice", "Unsqueeze", "Squeeze", "ConstantOfShape", "Pad", "Gather", "TopK", "Split", "Range"].includes(n.opType));
      for (const n of users) {
        const ints = n.input.slice(1).map((i) => g.initializer.find((t) => t.name === i && t.dataType === 7)).filter((t): t is TensorProto => !!t);
        const cst = n.input.slice(1).map((i) => g.node.find((m) => m.opType === "Constant" && m.output[0] === i)?.attribute[0]?.t).filter((t): t is TensorProto => !!t && t.dataType === 7);
        const all = [...ints, ...cst];
        if (!all.length) continue;
        const t = c.rng.pick(all);
        const vals = Array.from({ length: c.rng.pick([0, 1, 2, 3, 5]) }, () => c.rng.pick(HUGE_INTS));
        t.rawData = new Uint8Array(0);
        t.int64Data = vals;
        t.dims = [BigInt(vals.length)];
        return `${n.opType} ${q(n.name)} shape/index input → [${vals.join(",")}]`;
      }
    }
    return null;
  }],
  [1, "value-nontensor", (p, c) => {
    const g = p.graph;
    if (!g?.output.length) return null;
    const v = c.rng.pick(g.output);
    const elem = v.type ?? create(TypeProtoSchema, {});
    v.type = create(TypeProtoSchema, { value: { case: "sequenceType", value: create(TypeProto_SequenceSchema, { elemType: elem }) } });
    return `graph output ${q(v.name)} typed as a sequence`;
  }],
  [1, "function", (p, c) => {
    const x = pickNode(p, c);
    if (!x) return null;
    const f = create(FunctionProtoSchema, {
      name: "MyFn",
      domain: "local.fn",
      input: ["a"],
      output: ["b"],
      node: [create(NodeProtoSchema, { opType: c.rng.pick(["Relu", "FooBar", "MyFn"]), domain: c.rng.pick(["", "local.fn"]), input: ["a"], output: ["b"] })],
      opsetImport: [create(OperatorSetIdProtoSchema, { domain: "", version: 17n })],
    });
    p.functions.push(f);
    p.opsetImport.push(create(OperatorSetIdProtoSchema, { domain: "local.fn", version: 1n }));
    x.n.opType = "MyFn";
    x.n.domain = "local.fn";
    return `${q(x.n.name)} calls a model-local function${f.node[0]!.opType === "MyFn" ? " (that calls itself)" : ""}`;
  }],
  [2, "non-tensor-output", (p, c) => {
    // Graph outputs that are not tensors: an empty optional (onnxruntime-node 1.30 segfaults
    // fetching one), an optional holding a value, a sequence.
    const g = p.graph;
    if (!g?.input.length) return null;
    const x = g.input[0]!.name;
    const tensorOf = (elemType: number) => create(TypeProtoSchema, { value: { case: "tensorType", value: create(TypeProto_TensorSchema, { elemType }) } });
    const elem = tensorType(g.input[0]!)?.elemType ?? 1;
    const kind = c.rng.int(3);
    const name = `nt_out_${c.rng.int(1000)}`;
    const node =
      kind === 0
        ? create(NodeProtoSchema, { opType: "Optional", name: "nt_node", output: [name], attribute: [create(AttributeProtoSchema, { name: "type", type: AT.TYPE_PROTO, tp: tensorOf(elem) })] })
        : create(NodeProtoSchema, { opType: kind === 1 ? "Optional" : "SequenceConstruct", name: "nt_node", input: [x], output: [name] });
    const type =
      kind === 2
        ? create(TypeProtoSchema, { value: { case: "sequenceType", value: create(TypeProto_SequenceSchema, { elemType: tensorOf(elem) }) } })
        : create(TypeProtoSchema, { value: { case: "optionalType", value: create(TypeProto_OptionalSchema, { elemType: tensorOf(elem) }) } });
    g.node.push(node);
    g.output.push(create(ValueInfoProtoSchema, { name, ...(c.rng.chance(0.8) ? { type } : {}) }));
    const o = p.opsetImport.find((o) => o.domain === "" || o.domain === "ai.onnx");
    if (o && o.version < 18n) o.version = 18n;
    return `graph output ${q(name)}: ${["an empty optional", "an optional of the first input", "a sequence of the first input"][kind]}`;
  }],
  [1, "empty-graph", (p, c) => {
    const g = p.graph;
    if (!g) return null;
    if (c.rng.chance(0.5)) {
      g.node = [];
      return "all nodes removed";
    }
    g.initializer = [];
    g.sparseInitializer = [];
    return "all initializers removed";
  }],
];

export const MUTATION_NAMES = [...STRUCTURED.map(([, n]) => n), ...BYTES.map(([, n]) => n)];
