// ONNX test-data files (test_data_set_N/input_K.pb, output_K.pb): one serialized TensorProto each,
// decoded through quanta's own serde into onnxruntime-node tensors. Sequence, map and optional
// protos (whose graph value is not a tensor) are not TensorProtos: callers check the value type
// first and skip those.

import { readFileSync } from "node:fs";
import { fromBinary } from "@bufbuild/protobuf";
import type * as Ort from "onnxruntime-node";
import { TensorProtoSchema } from "../../src/ir/serde/gen/onnx/onnx_pb.js";
import { tensorFromProto } from "../../src/ir/serde/read.js";
import { DataType, dtypeName } from "../../src/ir/dtype.js";

/** Element types onnxruntime-node tensors can carry (bfloat16, float8, complex cannot). */
const ORT_TYPES: Partial<Record<number, Ort.Tensor.Type>> = {
  [DataType.FLOAT]: "float32",
  [DataType.DOUBLE]: "float64",
  [DataType.FLOAT16]: "float16",
  [DataType.INT8]: "int8",
  [DataType.UINT8]: "uint8",
  [DataType.INT16]: "int16",
  [DataType.UINT16]: "uint16",
  [DataType.INT32]: "int32",
  [DataType.UINT32]: "uint32",
  [DataType.INT64]: "int64",
  [DataType.UINT64]: "uint64",
  [DataType.BOOL]: "bool",
  [DataType.STRING]: "string",
};

export function ortTypeOf(dtype: number): Ort.Tensor.Type | undefined {
  return ORT_TYPES[dtype];
}

export interface DecodedTensor {
  name: string;
  dtype: number;
  type: Ort.Tensor.Type;
  dims: number[];
  /** Decoded element data: a typed array, or strings for string tensors. */
  data: Ort.Tensor.DataType;
}

/** Reads one TensorProto file. Throws (with the file name) when the type has no ORT equivalent. */
export function readTensorFile(path: string): DecodedTensor {
  const proto = fromBinary(TensorProtoSchema, readFileSync(path));
  const t = tensorFromProto(proto, { baseDir: undefined });
  if (!ortTypeOf(t.dtype)) throw new Error(`${path}: element type ${dtypeName(t.dtype)} has no onnxruntime-node tensor type`);
  const data = t.dtype === DataType.STRING ? t.strings.map((s) => new TextDecoder().decode(s)) : (t.toArray() as Ort.Tensor.DataType);
  return { name: proto.name, dtype: t.dtype, type: ortTypeOf(t.dtype)!, dims: [...t.dims], data };
}

