// Scale and zero-point tensors for DequantizeLinear/QuantizeLinear: scalars for per-tensor
// parameters, 1-D for per-channel ones.

import { Tensor } from "../ir/tensor/tensor.js";
import { DataType } from "../ir/dtype.js";
import { qtypeInfo, type QType } from "./qtype.js";
import type { QParams } from "./math.js";

export function scaleTensor(ps: readonly QParams[], multiplier = 1): Tensor {
  const dims = ps.length === 1 ? [] : [ps.length];
  return Tensor.fromArray(DataType.FLOAT, dims, Float32Array.from(ps, (p) => p.scale * multiplier));
}

export function zeroPointTensor(ps: readonly QParams[], qtype: QType): Tensor {
  const dims = ps.length === 1 ? [] : [ps.length];
  return Tensor.fromArray(qtypeInfo(qtype).dtype, dims, integerArray(qtype, Int32Array.from(ps, (p) => p.zeroPoint)));
}

/** Quantized values (already in range) in the typed array of their storage type. */
export function integerArray(qtype: QType, v: Int32Array): Int8Array | Uint8Array | Int16Array | Uint16Array {
  switch (qtype) {
    case "int8":
      return new Int8Array(v);
    case "uint8":
      return new Uint8Array(v);
    case "int16":
      return new Int16Array(v);
    case "uint16":
      return new Uint16Array(v);
  }
}

export function quantizedTensor(qtype: QType, dims: readonly number[], values: Int32Array): Tensor {
  return Tensor.fromArray(qtypeInfo(qtype).dtype, dims, integerArray(qtype, values));
}
