// IR -> ModelProto. Untouched tensors and types are re-emitted from the messages they were read
// from, so load -> save gives an equal message.

import { create } from "@bufbuild/protobuf";
import {
  AttributeProtoSchema,
  AttributeProto_AttributeType as AT,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  StringStringEntryProtoSchema,
  TensorProtoSchema,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  TypeProto_TensorSchema,
  ValueInfoProtoSchema,
  TensorProto_DataLocation,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type TypeProto,
  type ValueInfoProto,
  type StringStringEntryProto,
  type FunctionProto,
  type TrainingInfoProto,
  type SparseTensorProto,
  type TensorAnnotation,
} from "./gen/onnx/onnx_pb.js";
import type { Model } from "../model.js";
import type { Graph } from "../graph.js";
import type { Node } from "../node.js";
import type { Value, ValueType } from "../value.js";
import type { Attribute } from "../attribute.js";
import type { Tensor } from "../tensor/tensor.js";
import { DataType } from "../dtype.js";
import { int64Of } from "./int64.js";
import type { TypeOrigin } from "./read.js";
import { assignScalars, trimTrailingEmpty } from "./presence.js";
import { SparseOrigin } from "./sparse.js";

export interface WriteOptions {
  /**
   * Decides where a tensor's bytes go. Return external data entries to store them in a side
   * file, or undefined to keep them inline. Called for initializers and tensor attributes.
   */
  placeTensor?: (name: string, tensor: Tensor) => { location: string; offset: number; length: number } | undefined;
  /**
   * Main-graph initializers for which this returns true are emitted without their bytes and
   * listed in `deferred`, so a streaming writer can copy the bytes straight to the output.
   */
  deferData?: (tensor: Tensor) => boolean;
  deferred?: Map<TensorProto, Tensor>;
}

export function modelToProto(model: Model, opts: WriteOptions = {}): ModelProto {
  const owners = (model.opaque as { opsetOwners?: Map<string, object> }).opsetOwners;
  const p = create(ModelProtoSchema, {
    opsetImport: [...model.opsets].map(([domain, version]) => {
      const o = create(OperatorSetIdProtoSchema);
      assignScalars(owners?.get(domain), o, { domain, version: BigInt(version) });
      return o;
    }),
    graph: graphToProto(model.graph, opts, true),
    metadataProps: entries(model.metadata),
    functions: (model.opaque.functions ?? []) as FunctionProto[],
    trainingInfo: (model.opaque.trainingInfo ?? []) as TrainingInfoProto[],
  });
  assignScalars(model, p, {
    irVersion: BigInt(model.irVersion),
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    domain: model.domain,
    modelVersion: BigInt(model.modelVersion),
    docString: model.docString,
  });
  if (model.opaque.unknownFields) p.$unknown = model.opaque.unknownFields as ModelProto["$unknown"];
  return p;
}

function graphToProto(g: Graph, opts: WriteOptions, main = false): GraphProto {
  // Only the main graph's initializers may be deferred: encodeModel appends raw_data to exactly
  // those. A tensor anywhere else (a Constant's value, a subgraph's initializer) keeps its bytes
  // in the message, whatever its size.
  const inline = withoutDeferral(opts);
  const initOpts = main ? opts : inline;
  const opaque = g.opaque as { valueInfoOrder?: string[]; unknownFields?: GraphProto["$unknown"] };
  const inner = new Set<Value>();
  for (const n of g.nodes) for (const v of n.outputs) inner.add(v);
  // Intermediate values with a known type become value_info: loaded ones in file order first.
  const typed = new Map<string, Value>();
  for (const v of inner) if (v.type && v.name && !v.isGraphOutput) typed.set(v.name, v);
  const valueInfo: ValueInfoProto[] = [];
  const emitted = new Set<string>();
  for (const name of opaque.valueInfoOrder ?? []) {
    const v = typed.get(name);
    if (v && !emitted.has(name)) (valueInfo.push(valueInfoToProto(v)), emitted.add(name));
  }
  for (const [name, v] of typed) if (!emitted.has(name)) valueInfo.push(valueInfoToProto(v));

  // Initializers read from sparse_initializer and still untouched go back there.
  const initializer: TensorProto[] = [];
  const sparseInitializer: SparseTensorProto[] = [];
  for (const v of g.initializers.values()) {
    const t = v.initializer!;
    if (t.origin instanceof SparseOrigin) sparseInitializer.push(sparseToProto(v.name, t.origin));
    else initializer.push(tensorToProto(v.name, t, initOpts));
  }
  const gp = create(GraphProtoSchema, {
    node: g.nodes.map((n) => nodeToProto(n, inline)),
    initializer,
    sparseInitializer,
    input: g.inputs.map(valueInfoToProto),
    output: g.outputs.map(valueInfoToProto),
    valueInfo,
    quantizationAnnotation: (g.opaque.quantizationAnnotation ?? []) as TensorAnnotation[],
    metadataProps: entries(g.metadata),
  });
  assignScalars(g, gp, { name: g.name, docString: g.docString });
  if (opaque.unknownFields) gp.$unknown = opaque.unknownFields;
  return gp;
}

function withoutDeferral(opts: WriteOptions): WriteOptions {
  if (!opts.deferData && !opts.deferred) return opts;
  const { deferData: _d, deferred: _m, ...rest } = opts;
  return rest;
}

function nodeToProto(n: Node, opts: WriteOptions): NodeProto {
  const np = create(NodeProtoSchema, {
    input: trimTrailingEmpty(n, n.inputs.map((v) => v?.name ?? "")),
    output: n.outputs.map((v) => v.name),
    attribute: [...n.attributes].map(([name, a]) => attributeToProto(name, a, opts)),
    metadataProps: entries(n.metadata),
  });
  assignScalars(n, np, { name: n.name, opType: n.opType, domain: n.domain, overload: n.overload, docString: n.docString });
  const unknown = (n as unknown as { opaque?: NodeProto["$unknown"] }).opaque;
  if (unknown) np.$unknown = unknown;
  return np;
}

function attributeToProto(name: string, a: Attribute, opts: WriteOptions): AttributeProto {
  if (a.type === "opaque") return a.value as AttributeProto;
  const enc = new TextEncoder();
  const p = create(AttributeProtoSchema);
  const scalars: Record<string, unknown> = { name, refAttrName: a.refAttrName, docString: a.docString };
  switch (a.type) {
    case "float":
      Object.assign(scalars, { type: AT.FLOAT, f: a.value });
      break;
    case "int":
      Object.assign(scalars, { type: AT.INT, i: int64Of(a, [a.value])[0] });
      break;
    case "string":
      Object.assign(scalars, { type: AT.STRING, s: enc.encode(a.value) });
      break;
    case "tensor":
      (scalars.type = AT.TENSOR), (p.t = tensorToProto("", a.value, opts, true));
      break;
    case "graph":
      (scalars.type = AT.GRAPH), (p.g = graphToProto(a.value, opts));
      break;
    case "floats":
      (scalars.type = AT.FLOATS), (p.floats = [...a.value]);
      break;
    case "ints":
      (scalars.type = AT.INTS), (p.ints = int64Of(a, a.value));
      break;
    case "strings":
      (scalars.type = AT.STRINGS), (p.strings = a.value.map((s) => enc.encode(s)));
      break;
    case "tensors":
      (scalars.type = AT.TENSORS), (p.tensors = a.value.map((t) => tensorToProto("", t, opts, true)));
      break;
    case "graphs":
      (scalars.type = AT.GRAPHS), (p.graphs = a.value.map((g) => graphToProto(g, opts)));
      break;
  }
  assignScalars(a, p, scalars);
  return p;
}

export function tensorToProto(name: string, t: Tensor, opts: WriteOptions, keepName = false): TensorProto {
  const placed = t.dtype !== DataType.STRING ? opts.placeTensor?.(name, t) : undefined;
  const origin = isTensorProto(t.origin) ? t.origin : undefined;
  const outName = keepName ? (origin?.name ?? "") : name;
  // Tensors read from typed fields (float_data...) are re-emitted as they were, not deferred.
  const typedOrigin = origin !== undefined && !t.isExternal && origin.rawData.byteLength !== t.byteLength;
  if (!placed && !typedOrigin && opts.deferData?.(t) && opts.deferred) {
    // Header only; the writer appends raw_data from the tensor itself.
    const header = withoutData(origin, t, outName);
    opts.deferred.set(header, t);
    return header;
  }
  if (!placed && origin && !t.isExternal) {
    // Untouched since load: same message, possibly under a new name.
    if (origin.name === outName) return origin;
    return { ...origin, name: outName };
  }
  // New data, new placement, or bytes read in from external data: the message's other fields
  // (doc_string, metadata) are kept; only where the bytes live changes.
  const p = withoutData(origin, t, outName);
  if (placed) {
    p.dataLocation = TensorProto_DataLocation.EXTERNAL;
    p.externalData = entries([
      ["location", placed.location],
      ["offset", String(placed.offset)],
      ["length", String(placed.length)],
    ]);
  } else if (t.dtype === DataType.STRING) {
    p.stringData = t.strings;
  } else {
    p.rawData = t.bytes();
  }
  return p;
}

function isTensorProto(o: unknown): o is TensorProto {
  return typeof o === "object" && o !== null && (o as { $typeName?: string }).$typeName === TensorProtoSchema.typeName;
}

/** The tensor's message without any data field: the origin's other fields, or a fresh one. */
function withoutData(origin: TensorProto | undefined, t: Tensor, name: string): TensorProto {
  if (!origin) return create(TensorProtoSchema, { dims: t.dims.map((d) => BigInt(d)), dataType: t.dtype, name });
  const p: TensorProto = { ...origin, name, floatData: [], int32Data: [], stringData: [], int64Data: [], doubleData: [], uint64Data: [], externalData: [] };
  delete (p as Partial<TensorProto>).rawData;
  delete (p as Partial<TensorProto>).dataLocation;
  return p;
}

/** A densified sparse initializer as read, under its current name; parts that were external are inlined. */
function sparseToProto(name: string, o: SparseOrigin): SparseTensorProto {
  let values = o.proto.values!;
  if (o.values.isExternal) values = tensorToProto(name, o.values, {});
  else if (values.name !== name) values = { ...values, name };
  const indices = o.indices?.isExternal ? tensorToProto(o.proto.indices!.name, o.indices, {}) : o.proto.indices;
  if (values === o.proto.values && indices === o.proto.indices) return o.proto;
  return { ...o.proto, values, indices };
}

function valueInfoToProto(v: Value): ValueInfoProto {
  const p = create(ValueInfoProtoSchema, { metadataProps: entries(v.metadata) });
  assignScalars(v, p, { name: v.name, docString: v.docString });
  if (v.type) p.type = typeToProto(v);
  return p;
}

function typeToProto(v: Value): TypeProto {
  const origin = (v as unknown as { typeOrigin?: TypeOrigin }).typeOrigin;
  if (origin && origin.type === v.type) return origin.proto;
  return typeProtoOf(v.type!);
}

export function typeProtoOf(t: ValueType): TypeProto {
  if (t.kind === "other") return t.opaque as TypeProto;
  const tensor = create(TypeProto_TensorSchema, { elemType: t.dtype });
  if (t.shape) {
    tensor.shape = create(TensorShapeProtoSchema, {
      dim: t.shape.map((d) =>
        create(TensorShapeProto_DimensionSchema, {
          value: typeof d === "number" ? { case: "dimValue", value: BigInt(d) } : typeof d === "string" ? { case: "dimParam", value: d } : { case: undefined },
        }),
      ),
    });
  }
  return create(TypeProtoSchema, { value: { case: "tensorType", value: tensor } });
}

function entries(list: [string, string][]): StringStringEntryProto[] {
  return list.map(([key, value]) => create(StringStringEntryProtoSchema, { key, value }));
}
