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
} from "./gen/onnx/onnx_pb.js";
import { Model } from "../model.js";
import { Graph } from "../graph.js";
import { Node } from "../node.js";
import { Value, type ValueType, type Dim } from "../value.js";
import type { Attribute } from "../attribute.js";
import { Tensor } from "../tensor/tensor.js";
import { DataType, dtypeBits, dtypeName, rawByteLength } from "../dtype.js";
import { fromInt64 } from "./int64.js";
import { resolveExternalPath } from "./external-data.js";
import { QuantaError } from "../../errors.js";
import { NameAuthority } from "../names.js";
import { notePresence } from "./presence.js";

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
  if (gp.sparseInitializer.length) g.opaque.sparseInitializers = gp.sparseInitializer;
  if (gp.quantizationAnnotation.length) g.opaque.quantizationAnnotation = gp.quantizationAnnotation;
  if (gp.$unknown?.length) (g.opaque as Record<string, unknown>).unknownFields = gp.$unknown;
  const local: Scope = new Map();
  const scopes = [local, ...(outer?.scope ?? [])];
  const define = (v: Value): void => {
    ctx.names.claim(v.name);
    local.set(v.name, v);
  };

  for (const vi of gp.input) {
    const v = newValue(g, vi.name, vi.type);
    notePresence(v, ValueInfoProtoSchema, vi);
    v.docString = vi.docString;
    v.metadata = entries(vi.metadataProps);
    g.inputs.push(v);
    define(v);
  }
  for (const tp of gp.initializer) {
    const existing = local.get(tp.name);
    const t = tensorFromProto(tp, ctx);
    if (existing) {
      existing.initializer = t; // an initializer listed among the inputs (IR < 4 style)
      g.initializers.set(existing.name, existing);
      continue;
    }
    const v = newValue(g, tp.name, undefined);
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
      const v = newValue(g, o, undefined);
      n.attachOutput(v);
      if (o) define(v);
    }
    nodes.push([n, np]);
  }
  for (const [n, np] of nodes) {
    for (const a of np.attribute) n.setAttribute(a.name, attributeFromProto(a, ctx, scopes));
    np.input.forEach((name, i) => {
      if (!name) return n.setInput(i, null);
      const v = lookup(scopes, name);
      if (!v) throw new QuantaError(`invalid model: node "${np.name || np.opType}" reads "${name}", which nothing defines`);
      n.setInput(i, v);
    });
    g.insertNode(n);
  }
  const order: string[] = [];
  for (const vi of gp.valueInfo) {
    const v = lookup(scopes, vi.name);
    order.push(vi.name);
    if (!v || !vi.type) continue;
    setType(v, vi.type);
    notePresence(v, ValueInfoProtoSchema, vi);
    v.docString = vi.docString;
    v.metadata = entries(vi.metadataProps);
  }
  (g.opaque as Record<string, unknown>).valueInfoOrder = order;
  for (const vi of gp.output) {
    const v = lookup(scopes, vi.name);
    if (!v) throw new QuantaError(`invalid model: graph output "${vi.name}" is not produced by any node, input or initializer`);
    if (vi.type) setType(v, vi.type);
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

function newValue(g: Graph, name: string, type: TypeProto | undefined): Value {
  // Loaded names are kept exactly; they are claimed by the authority, not renamed.
  const value = new Value(g, name);
  if (type) setType(value, type);
  return value;
}

function setType(v: Value, tp: TypeProto): void {
  const type = typeFromProto(tp);
  v.type = type;
  (v as unknown as { typeOrigin: TypeOrigin }).typeOrigin = { type, proto: tp };
}

export function typeFromProto(tp: TypeProto): ValueType {
  if (tp.value.case === "tensorType") {
    const t = tp.value.value;
    const shape: Dim[] | undefined = t.shape
      ? t.shape.dim.map((d) => (d.value.case === "dimValue" ? fromInt64(d.value.value) : d.value.case === "dimParam" ? d.value.value : null))
      : undefined;
    return shape ? { kind: "tensor", dtype: t.elemType as DataType, shape } : { kind: "tensor", dtype: t.elemType as DataType };
  }
  return { kind: "other", opaque: tp };
}

function attributeFromProto(a: AttributeProto, ctx: Ctx, scopes: Scope[]): Attribute {
  const base: Partial<Attribute> = {};
  if (a.refAttrName) base.refAttrName = a.refAttrName;
  if (a.docString) base.docString = a.docString;
  const dec = new TextDecoder();
  const sub = (g: GraphProto): Graph => graphFromProto(g, ctx, { scope: scopes });
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
      value = { type: "tensor", value: tensorFromProto(a.t!, ctx) };
      break;
    case AT.GRAPH:
      value = { type: "graph", value: sub(a.g!) };
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
      value = { type: "tensors", value: a.tensors.map((t) => tensorFromProto(t, ctx)) };
      break;
    case AT.GRAPHS:
      value = { type: "graphs", value: a.graphs.map(sub) };
      break;
    default:
      value = { type: "opaque", value: a };
  }
  const out = Object.assign(value, base);
  notePresence(out, AttributeProtoSchema, a);
  return out;
}

export function tensorFromProto(tp: TensorProto, ctx: { baseDir: string | undefined }): Tensor {
  const dtype = tp.dataType as DataType;
  const dims = tp.dims.map(fromInt64);
  const name = tp.name || "(unnamed)";
  if (dtype === DataType.UNDEFINED) throw new QuantaError(`invalid model: tensor "${name}" has no data type`);
  if (dims.some((d) => d < 0 || !Number.isSafeInteger(d))) throw new QuantaError(`invalid model: tensor "${name}" has a bad shape [${dims}]`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (tp.dataLocation === TensorProto_DataLocation.EXTERNAL) {
    const kv = Object.fromEntries(tp.externalData.map((e) => [e.key, e.value]));
    if (!ctx.baseDir) throw new QuantaError(`tensor "${name}" keeps its data in an external file; load the model from a file path so it can be found`);
    const file = resolveExternalPath(ctx.baseDir, kv.location ?? "", name);
    const offset = kv.offset ? Number(kv.offset) : 0;
    const length = kv.length ? Number(kv.length) : rawByteLength(dtype, count);
    const fileSize = statSync(file).size;
    if (offset + length > fileSize) {
      throw new QuantaError(`tensor "${name}": external data file "${kv.location}" is ${fileSize} bytes, but the tensor needs bytes ${offset}..${offset + length}; the file is truncated or does not belong to this model`);
    }
    return Tensor.external(dtype, dims, { file, offset, length, location: kv.location! }, tp);
  }
  if (dtype === DataType.STRING) return Tensor.fromStrings(dims, tp.stringData, tp);
  try {
    return Tensor.fromBytes(dtype, dims, typedFieldsToBytes(tp, dtype, count), tp);
  } catch (e) {
    throw new QuantaError(`invalid model: tensor "${name}": ${(e as Error).message}`);
  }
}

/** Data from raw_data or the typed repeated fields, as raw little-endian bytes. */
function typedFieldsToBytes(tp: TensorProto, dtype: DataType, count: number): Uint8Array {
  if (tp.rawData.byteLength > 0 || count === 0) return tp.rawData;
  const bits = dtypeBits(dtype);
  const out = new Uint8Array(rawByteLength(dtype, count));
  const dv = new DataView(out.buffer);
  const want = (n: number, field: string): void => {
    if (n !== count && !(bits === 4 && n === Math.ceil(count / 2))) {
      throw new Error(`${dtypeName(dtype)} tensor of ${count} elements has ${n} values in ${field}`);
    }
  };
  switch (dtype) {
    case DataType.FLOAT:
      want(tp.floatData.length, "float_data");
      tp.floatData.forEach((x, i) => dv.setFloat32(i * 4, x, true));
      break;
    case DataType.COMPLEX64:
      tp.floatData.forEach((x, i) => dv.setFloat32(i * 4, x, true));
      break;
    case DataType.DOUBLE:
    case DataType.COMPLEX128:
      tp.doubleData.forEach((x, i) => dv.setFloat64(i * 8, x, true));
      break;
    case DataType.INT64:
      want(tp.int64Data.length, "int64_data");
      tp.int64Data.forEach((x, i) => dv.setBigInt64(i * 8, x, true));
      break;
    case DataType.UINT64:
      tp.uint64Data.forEach((x, i) => dv.setBigUint64(i * 8, x, true));
      break;
    case DataType.UINT32:
      tp.uint64Data.forEach((x, i) => dv.setUint32(i * 4, Number(x), true));
      break;
    case DataType.INT32:
      want(tp.int32Data.length, "int32_data");
      tp.int32Data.forEach((x, i) => dv.setInt32(i * 4, x, true));
      break;
    default:
      // int8/uint8/int16/uint16/bool/float16/bfloat16/float8/4-bit: int32_data holds one element
      // (or, for 4-bit types, one packed byte) per entry.
      want(tp.int32Data.length, "int32_data");
      if (bits === 16) tp.int32Data.forEach((x, i) => dv.setUint16(i * 2, x & 0xffff, true));
      else tp.int32Data.forEach((x, i) => (out[i] = x & 0xff));
  }
  return out;
}

function entries(list: StringStringEntryProto[]): [string, string][] {
  return list.map((e) => [e.key, e.value]);
}
