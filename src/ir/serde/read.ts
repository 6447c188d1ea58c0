// ModelProto -> IR. The only place (with write.ts) that knows protobuf messages.

import { statSync } from "node:fs";
import {
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  ValueInfoProtoSchema,
  AttributeProto_AttributeType as AT,
  TensorProto_DataLocation,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type TypeProto,
  type StringStringEntryProto,
  type SparseTensorProto,
} from "./gen/onnx/onnx_pb.js";
import { Model } from "../model.js";
import { Graph } from "../graph.js";
import { Node } from "../node.js";
import { Value, type ValueType, type Dim } from "../value.js";
import type { Attribute } from "../attribute.js";
import { Tensor } from "../tensor/tensor.js";
import { DataType, dtypeBits, dtypeName, rawByteLength } from "../dtype.js";
import { fromInt64, rememberInt64 } from "./int64.js";
import { resolveExternalPath } from "./external-data.js";
import { QuantaError, quoteName } from "../../errors.js";
import { NameAuthority } from "../names.js";
import { noteInputCount, notePresence } from "./presence.js";
import { densifySparse } from "./sparse.js";

/** Memo attached to IR objects so an untouched part is written back exactly as it was read. */
export interface TypeOrigin {
  type: ValueType;
  proto: TypeProto;
}

export interface ReadOptions {
  /** Folder external data is resolved against; without it, external tensors are refused. */
  baseDir?: string;
}

export function modelFromProto(p: ModelProto, opts: ReadOptions = {}): Model {
  if (!p.graph) throw new QuantaError("not an ONNX model: it has no graph");
  const names = new NameAuthority();
  const ctx: Ctx = { baseDir: opts.baseDir, names };
  const graph = graphFromProto(p.graph, ctx, null);
  const model = new Model(graph, { irVersion: fromInt64(p.irVersion), opsets: {} });
  const opsetOwners = new Map<string, object>();
  for (const o of p.opsetImport) {
    model.opsets.set(o.domain, fromInt64(o.version));
    const owner = {};
    notePresence(owner, OperatorSetIdProtoSchema, o);
    opsetOwners.set(o.domain, owner);
  }
  (model.opaque as Record<string, unknown>).opsetOwners = opsetOwners;
  notePresence(model, ModelProtoSchema, p);
  model.producerName = p.producerName;
  model.producerVersion = p.producerVersion;
  model.domain = p.domain;
  model.modelVersion = fromInt64(p.modelVersion);
  model.docString = p.docString;
  model.metadata = entries(p.metadataProps);
  if (p.functions.length) model.opaque.functions = p.functions;
  if (p.trainingInfo.length) model.opaque.trainingInfo = p.trainingInfo;
  if (p.$unknown?.length) model.opaque.unknownFields = p.$unknown;
  model.baseDir = opts.baseDir;
  return model;
}

interface Ctx {
  baseDir: string | undefined;
  names: NameAuthority;
}

type Scope = Map<string, Value>;

function graphFromProto(gp: GraphProto, ctx: Ctx, outer: { scope: Scope[] } | null): Graph {
  const g = new Graph(gp.name, ctx.names);
  notePresence(g, GraphProtoSchema, gp);
  g.docString = gp.docString;
  g.metadata = entries(gp.metadataProps);
  if (gp.quantizationAnnotation.length) g.opaque.quantizationAnnotation = gp.quantizationAnnotation;
  if (gp.$unknown?.length) (g.opaque as Record<string, unknown>).unknownFields = gp.$unknown;
  const local: Scope = new Map();
  const scopes = [local, ...(outer?.scope ?? [])];
  const define = (v: Value): void => {
    ctx.names.claim(v.name);
    local.set(v.name, v);
  };

  for (const vi of gp.input) {
    const v = newValue(g, vi.name, vi.type, "graph input");
    notePresence(v, ValueInfoProtoSchema, vi);
    v.docString = vi.docString;
    v.metadata = entries(vi.metadataProps);
    g.inputs.push(v);
    define(v);
  }
  const initializers: [string, Tensor][] = gp.initializer.map((tp, i) => [tp.name, tensorFromProto(tp, ctx, `initializer #${i + 1}`)]);
  // Sparse initializers are read dense; an untouched one is written back sparse (see sparse.ts).
  gp.sparseInitializer.forEach((sp, i) => {
    const t = densifySparse(sp, (tp, label) => tensorFromProto(tp, ctx, label), i);
    initializers.push([sp.values!.name, t]);
  });
  for (const [name, t] of initializers) {
    const existing = local.get(name);
    if (existing) {
      existing.initializer = t; // an initializer listed among the inputs (IR < 4 style)
      g.initializers.set(existing.name, existing);
      continue;
    }
    const v = newValue(g, name, undefined, "");
    v.type = { kind: "tensor", dtype: t.dtype, shape: [...t.dims] };
    v.initializer = t;
    g.initializers.set(v.name, v);
    define(v);
  }
  // Outputs first, then inputs: files are not always in topological order.
  const nodes: [Node, NodeProto][] = [];
  for (const np of gp.node) {
    const n = new Node(np.opType, np.domain, np.name);
    notePresence(n, NodeProtoSchema, np);
    if (np.name) ctx.names.claim(np.name);
    n.overload = np.overload;
    n.docString = np.docString;
    n.metadata = entries(np.metadataProps);
    if (np.$unknown?.length) (n as unknown as { opaque: unknown }).opaque = np.$unknown;
    for (const o of np.output) {
      const v = newValue(g, o, undefined, "");
      n.attachOutput(v);
      if (o) define(v);
    }
    nodes.push([n, np]);
  }
  for (const [n, np] of nodes) {
    for (const a of np.attribute) n.setAttribute(a.name, attributeFromProto(a, np, ctx, scopes));
    if (np.input.at(-1) === "") noteInputCount(n, np.input.length);
    np.input.forEach((name, i) => {
      if (!name) return n.setInput(i, null);
      const v = lookup(scopes, name);
      if (!v) throw new QuantaError(`invalid model: ${describeNode(np)} reads ${quoteName(name)}, which nothing defines`);
      n.setInput(i, v);
    });
    g.insertNode(n);
  }
  const order: string[] = [];
  for (const vi of gp.valueInfo) {
    const v = lookup(scopes, vi.name);
    order.push(vi.name);
    if (!v || !vi.type) continue;
    setType(v, vi.type, "value_info");
    notePresence(v, ValueInfoProtoSchema, vi);
    v.docString = vi.docString;
    v.metadata = entries(vi.metadataProps);
  }
  (g.opaque as Record<string, unknown>).valueInfoOrder = order;
  for (const vi of gp.output) {
    const v = lookup(scopes, vi.name);
    if (!v) throw new QuantaError(`invalid model: graph output ${quoteName(vi.name)} is not produced by any node, input or initializer`);
    if (vi.type) setType(v, vi.type, "graph output");
    if (vi.docString) v.docString = vi.docString;
    if (!v.isGraphInput) notePresence(v, ValueInfoProtoSchema, vi);
    g.outputs.push(v);
  }
  return g;
}

function lookup(scopes: Scope[], name: string): Value | undefined {
  for (const s of scopes) {
    const v = s.get(name);
    if (v) return v;
  }
  return undefined;
}

function newValue(g: Graph, name: string, type: TypeProto | undefined, role: string): Value {
  // Loaded names are kept exactly; they are claimed by the authority, not renamed.
  const value = new Value(g, name);
  if (type) setType(value, type, role);
  return value;
}

function setType(v: Value, tp: TypeProto, role: string): void {
  const type = typeFromProto(tp, `${role} ${quoteName(v.name)}`);
  v.type = type;
  (v as unknown as { typeOrigin: TypeOrigin }).typeOrigin = { type, proto: tp };
}

/** `where` names the value in errors, e.g. `graph input "x"`. */
export function typeFromProto(tp: TypeProto, where = "a value"): ValueType {
  if (tp.value.case === "tensorType") {
    const t = tp.value.value;
    const shape: Dim[] | undefined = t.shape
      ? t.shape.dim.map((d, axis) => {
          if (d.value.case === "dimParam") return d.value.value;
          if (d.value.case !== "dimValue") return null;
          const n = fromInt64(d.value.value);
          if (!Number.isSafeInteger(n) || n < 0) {
            throw new QuantaError(`invalid model: ${where} has dimension ${d.value.value} on axis ${axis}; a dimension must be a whole number of 0 or more, or a symbolic name (fix the exporter's shape, or make the axis symbolic)`);
          }
          return n;
        })
      : undefined;
    return shape ? { kind: "tensor", dtype: t.elemType as DataType, shape } : { kind: "tensor", dtype: t.elemType as DataType };
  }
  return { kind: "other", opaque: tp };
}

function describeNode(np: NodeProto): string {
  return np.name ? `node ${quoteName(np.name)} (${quoteName(np.opType, 40)})` : `a ${quoteName(np.opType, 40)} node`;
}

function attributeFromProto(a: AttributeProto, np: NodeProto, ctx: Ctx, scopes: Scope[]): Attribute {
  const base: Partial<Attribute> = {};
  if (a.refAttrName) base.refAttrName = a.refAttrName;
  if (a.docString) base.docString = a.docString;
  const dec = new TextDecoder();
  const sub = (g: GraphProto): Graph => graphFromProto(g, ctx, { scope: scopes });
  const where = `attribute ${quoteName(a.name)} of ${describeNode(np)}`;
  const missing = (what: string): never => {
    throw new QuantaError(`invalid model: ${where} is of type ${AT[a.type] ?? a.type} but holds no ${what}; the file is damaged, re-export the model`);
  };
  let value: Attribute;
  switch (a.type) {
    case AT.FLOAT:
      value = { type: "float", value: a.f };
      break;
    case AT.INT:
      value = { type: "int", value: fromInt64(a.i) };
      break;
    case AT.STRING:
      value = { type: "string", value: dec.decode(a.s) };
      break;
    case AT.TENSOR:
      value = { type: "tensor", value: tensorFromProto(a.t ?? missing("tensor"), ctx, `the tensor of ${where}`) };
      break;
    case AT.GRAPH:
      value = { type: "graph", value: sub(a.g ?? missing("graph")) };
      break;
    case AT.FLOATS:
      value = { type: "floats", value: [...a.floats] };
      break;
    case AT.INTS:
      value = { type: "ints", value: a.ints.map(fromInt64) };
      break;
    case AT.STRINGS:
      value = { type: "strings", value: a.strings.map((s) => dec.decode(s)) };
      break;
    case AT.TENSORS:
      value = { type: "tensors", value: a.tensors.map((t, i) => tensorFromProto(t, ctx, `tensor ${i} of ${where}`)) };
      break;
    case AT.GRAPHS:
      value = { type: "graphs", value: a.graphs.map(sub) };
      break;
    default:
      // Kept as read (sparse tensors, type protos), except that sparse tensor data in an external
      // file is read in now: the message is written back wherever the model goes, the file is not.
      value = { type: "opaque", value: withSparseDataInline(a, ctx, where) };
  }
  const out = Object.assign(value, base);
  notePresence(out, AttributeProtoSchema, a);
  if (a.type === AT.INT) rememberInt64(out, [a.i]);
  else if (a.type === AT.INTS) rememberInt64(out, a.ints);
  return out;
}

/**
 * A TensorProto as an IR tensor. Every size a file claims is checked against the bytes that are
 * actually there (raw_data, the typed fields, the external file) before anything is allocated.
 * `label` names an unnamed tensor in errors (e.g. a Constant's value).
 */
export function tensorFromProto(tp: TensorProto, ctx: { baseDir: string | undefined }, label?: string): Tensor {
  const what = tp.name ? `tensor ${quoteName(tp.name)}` : (label ?? "an unnamed tensor");
  const dtype = tp.dataType as DataType;
  if (dtype === DataType.UNDEFINED) throw new QuantaError(`invalid model: ${what} has no data type`);
  let bits: number;
  try {
    bits = dtypeBits(dtype);
  } catch {
    throw new QuantaError(`invalid model: ${what} has element type ${tp.dataType}, which ONNX does not define (or quanta does not know yet)`);
  }
  const dims = tp.dims.map(fromInt64);
  const shape = `${dtypeName(dtype)}[${dims.length <= 8 ? dims.join(",") : `${dims.slice(0, 8).join(",")},…`}]`;
  if (dims.some((d) => d < 0 || !Number.isSafeInteger(d))) {
    throw new QuantaError(`invalid model: ${what} has a bad shape [${tp.dims.slice(0, 8).join(",")}${dims.length > 8 ? ",…" : ""}]; every dimension must be a whole number of 0 or more`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  const bytes = rawByteLength(dtype, count);
  if (!Number.isSafeInteger(count) || !Number.isSafeInteger(bytes)) throw new QuantaError(`invalid model: ${what} claims ${shape}, more elements than any file can hold`);
  if (tp.dataLocation === TensorProto_DataLocation.EXTERNAL) return externalTensor(tp, ctx, what, dtype, dims, bytes);
  if (dtype === DataType.STRING) {
    if (tp.stringData.length !== count) throw new QuantaError(`invalid model: ${what} is ${shape} (${count} strings) but holds ${tp.stringData.length}`);
    return Tensor.fromStrings(dims, tp.stringData, tp);
  }
  if (tp.rawData.byteLength > 0 || count === 0) {
    if (tp.rawData.byteLength !== bytes) {
      throw new QuantaError(`invalid model: ${what} is ${shape}, which needs ${bytes} bytes, but its raw_data holds ${tp.rawData.byteLength}; the file is truncated or damaged`);
    }
    return Tensor.fromBytes(dtype, dims, tp.rawData, tp);
  }
  return Tensor.fromBytes(dtype, dims, typedFieldsToBytes(tp, dtype, bits, count, what, shape), tp);
}

function externalTensor(tp: TensorProto, ctx: { baseDir: string | undefined }, what: string, dtype: DataType, dims: number[], bytes: number): Tensor {
  const kv = Object.fromEntries(tp.externalData.map((e) => [e.key, e.value]));
  if (!ctx.baseDir) throw new QuantaError(`${what} keeps its data in an external file; load the model from a file path so it can be found`);
  const location = kv.location ?? "";
  const whole = (key: string, fallback: number): number => {
    const text = kv[key];
    if (text === undefined) return fallback;
    const n = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n)) {
      throw new QuantaError(`invalid model: ${what}: external data ${key} ${quoteName(text, 24)} is not a whole number of bytes (0 or more); the model file is damaged, re-export it`);
    }
    return n;
  };
  const offset = whole("offset", 0);
  const length = whole("length", bytes);
  if (length !== bytes) throw new QuantaError(`invalid model: ${what} needs ${bytes} bytes, but its external data entry says ${length}; the model file is damaged, re-export it`);
  const file = resolveExternalPath(ctx.baseDir, location, what);
  const fileSize = statSync(file).size;
  if (offset + length > fileSize) {
    throw new QuantaError(`${what}: external data file ${quoteName(location)} is ${fileSize} bytes, but the tensor needs bytes ${offset}..${offset + length}; the file is truncated or does not belong to this model`);
  }
  return Tensor.external(dtype, dims, { file, offset, length, location }, tp);
}

/** Data from the typed repeated fields (float_data...), as raw little-endian bytes. */
function typedFieldsToBytes(tp: TensorProto, dtype: DataType, bits: number, count: number, what: string, shape: string): Uint8Array {
  // Which field holds the values, and how many entries the shape calls for; checked before the
  // output is allocated, so a shape of 2^40 elements with no data is refused, not attempted.
  const pick = (): [ArrayLike<number | bigint>, string, number] => {
    switch (dtype) {
      case DataType.FLOAT:
        return [tp.floatData, "float_data", count];
      case DataType.COMPLEX64:
        return [tp.floatData, "float_data", 2 * count];
      case DataType.DOUBLE:
        return [tp.doubleData, "double_data", count];
      case DataType.COMPLEX128:
        return [tp.doubleData, "double_data", 2 * count];
      case DataType.INT64:
        return [tp.int64Data, "int64_data", count];
      case DataType.UINT64:
      case DataType.UINT32:
        return [tp.uint64Data, "uint64_data", count];
      default:
        // int32/int16/int8/uint16/uint8/bool/float16/bfloat16/float8: one element per int32_data
        // entry; 4-bit types: one packed byte (two elements) per entry.
        return [tp.int32Data, "int32_data", bits === 4 ? Math.ceil(count / 2) : count];
    }
  };
  const [data, field, want] = pick();
  const unpacked4 = bits === 4 && data.length === count && count !== want; // one 4-bit element per entry
  if (data.length !== want && !unpacked4) {
    throw new QuantaError(`invalid model: ${what} is ${shape} (${count} elements) but ${field} holds ${data.length} values; the file is truncated or damaged`);
  }
  const out = new Uint8Array(rawByteLength(dtype, count));
  const dv = new DataView(out.buffer);
  switch (field) {
    case "float_data":
      (data as number[]).forEach((x, i) => dv.setFloat32(i * 4, x, true));
      break;
    case "double_data":
      (data as number[]).forEach((x, i) => dv.setFloat64(i * 8, x, true));
      break;
    case "int64_data":
      (data as bigint[]).forEach((x, i) => dv.setBigInt64(i * 8, x, true));
      break;
    case "uint64_data":
      if (dtype === DataType.UINT64) (data as bigint[]).forEach((x, i) => dv.setBigUint64(i * 8, x, true));
      else (data as bigint[]).forEach((x, i) => dv.setUint32(i * 4, Number(x & 0xffffffffn), true));
      break;
    default:
      if (bits === 32) (data as number[]).forEach((x, i) => dv.setInt32(i * 4, x, true));
      else if (bits === 16) (data as number[]).forEach((x, i) => dv.setUint16(i * 2, x & 0xffff, true));
      else if (unpacked4) (data as number[]).forEach((x, i) => (out[i >> 1] |= (x & 0xf) << ((i & 1) * 4)));
      else (data as number[]).forEach((x, i) => (out[i] = x & 0xff));
  }
  return out;
}

function withSparseDataInline(a: AttributeProto, ctx: Ctx, where: string): AttributeProto {
  const external = (t: TensorProto | undefined): boolean => t?.dataLocation === TensorProto_DataLocation.EXTERNAL;
  const sparse = [a.sparseTensor, ...a.sparseTensors].filter((sp): sp is SparseTensorProto => !!sp);
  if (!sparse.some((sp) => external(sp.values) || external(sp.indices))) return a;
  const inline = (t: TensorProto | undefined, part: string): TensorProto | undefined => {
    if (!t || !external(t)) return t;
    const p: TensorProto = { ...t, rawData: tensorFromProto(t, ctx, `the sparse ${part} of ${where}`).bytes(), externalData: [] };
    delete (p as Partial<TensorProto>).dataLocation;
    return p;
  };
  const fix = (sp: SparseTensorProto): SparseTensorProto => ({ ...sp, values: inline(sp.values, "values"), indices: inline(sp.indices, "indices") });
  return { ...a, sparseTensor: a.sparseTensor && fix(a.sparseTensor), sparseTensors: a.sparseTensors.map(fix) };
}

function entries(list: StringStringEntryProto[]): [string, string][] {
  return list.map((e) => [e.key, e.value]);
}
