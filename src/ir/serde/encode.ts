// Encodes a model as a list of pieces whose large tensor bytes are not copied: the writer streams
// them to a file (or into one buffer of the exact size). Protobuf allows fields in any order, so
// the graph's initializers are appended after its other fields.

import { toBinary } from "@bufbuild/protobuf";
import { GraphProtoSchema, ModelProtoSchema, TensorProtoSchema, type TensorProto } from "./gen/onnx/onnx_pb.js";
import { modelToProto, type WriteOptions } from "./write.js";
import type { Model } from "../model.js";
import type { Tensor } from "../tensor/tensor.js";
import { DataType } from "../dtype.js";

export type Piece = Uint8Array | { tensor: Tensor; length: number };

const STREAM_MIN_BYTES = 4096;
const TAG_GRAPH = (7 << 3) | 2; // ModelProto.graph
const TAG_INITIALIZER = (5 << 3) | 2; // GraphProto.initializer
const TAG_RAW_DATA = (9 << 3) | 2; // TensorProto.raw_data

export function encodeModel(model: Model, opts: WriteOptions = {}): { pieces: Piece[]; length: number } {
  const deferred = new Map<TensorProto, Tensor>();
  const proto = modelToProto(model, {
    ...opts,
    deferData: (t) => t.dtype !== DataType.STRING && t.byteLength >= STREAM_MIN_BYTES,
    deferred,
  });
  const graph = proto.graph!;
  const inits = graph.initializer;
  graph.initializer = [];
  delete (proto as { graph?: unknown }).graph;
  const pieces: Piece[] = [toBinary(ModelProtoSchema, proto)];
  const graphHead = toBinary(GraphProtoSchema, graph);
  const body: Piece[] = [graphHead];
  let graphLength = graphHead.byteLength;
  let consumed = 0;
  for (const tp of inits) {
    const tensor = deferred.get(tp);
    if (tensor) consumed++;
    const head = toBinary(TensorProtoSchema, tp);
    const dataLength = tensor ? tensor.byteLength : 0;
    const rawField = dataLength > 0 ? 1 + varintLength(dataLength) + dataLength : 0;
    const tensorLength = head.byteLength + rawField;
    body.push(concat([Uint8Array.of(TAG_INITIALIZER), varint(tensorLength), head]));
    if (tensor && dataLength > 0) {
      body.push(concat([Uint8Array.of(TAG_RAW_DATA), varint(dataLength)]));
      body.push({ tensor, length: dataLength });
    }
    graphLength += 1 + varintLength(tensorLength) + tensorLength;
  }
  // Every header written without its bytes must have been completed above; one that was not
  // would be a tensor silently saved empty.
  if (consumed !== deferred.size) throw new Error(`internal error: ${deferred.size - consumed} deferred tensor(s) outside the main graph's initializers`);
  pieces.push(concat([Uint8Array.of(TAG_GRAPH), varint(graphLength)]), ...body);
  const length = pieces.reduce((a, p) => a + (p instanceof Uint8Array ? p.byteLength : p.length), 0);
  return { pieces, length };
}

/** The bytes of a piece (reads external tensor data from disk). */
export function pieceBytes(p: Piece): Uint8Array {
  if (p instanceof Uint8Array) return p;
  const b = p.tensor.bytes();
  if (b.byteLength !== p.length) throw new Error(`tensor data is ${b.byteLength} bytes, expected ${p.length}`);
  return b;
}

function varintLength(n: number): number {
  let len = 1;
  while (n >= 128) (n = Math.floor(n / 128)), len++;
  return len;
}

function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n >= 128) {
    out.push((n % 128) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Uint8Array.from(out);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let o = 0;
  for (const p of parts) out.set(p, o), (o += p.byteLength);
  return out;
}
