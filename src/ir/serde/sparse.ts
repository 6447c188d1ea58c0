// Sparse initializers (GraphProto.sparse_initializer) read as dense tensors. A SparseTensorProto
// holds `values` (a 1-D tensor of NNZ elements, whose name is the initializer's name), `indices`
// (int64, either [NNZ] positions in the row-major flattened tensor or [NNZ, rank] coordinates)
// and the dense `dims`. The dense tensor keeps the sparse message as its origin, so an untouched
// one is written back as the same sparse initializer.

import type { SparseTensorProto, TensorProto } from "./gen/onnx/onnx_pb.js";
import { Tensor } from "../tensor/tensor.js";
import { DataType, dtypeBits, dtypeName, rawByteLength } from "../dtype.js";
import { fromInt64 } from "./int64.js";
import { QuantaError, quoteName } from "../../errors.js";

/** Largest dense tensor a sparse initializer may expand to (one buffer in memory). */
export const MAX_DENSE_BYTES = 2 ** 31 - 1;

/** Origin memo of a densified sparse initializer: the message and its two parts as read. */
export class SparseOrigin {
  constructor(
    readonly proto: SparseTensorProto,
    readonly values: Tensor,
    readonly indices: Tensor | undefined,
  ) {}
}

export function densifySparse(sp: SparseTensorProto, readTensor: (tp: TensorProto, label: string) => Tensor, position: number): Tensor {
  if (!sp.values) throw new QuantaError(`invalid model: sparse initializer #${position + 1} has no values tensor; the file is damaged, re-export it`);
  const name = sp.values.name;
  if (!name) throw new QuantaError(`invalid model: sparse initializer #${position + 1} has no name (its values tensor is unnamed); re-export the model`);
  const label = `sparse initializer ${quoteName(name)}`;
  const dims = sp.dims.map(fromInt64);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new QuantaError(`invalid model: ${label} has dims [${clipList(dims)}]; every dimension must be a whole number of 0 or more`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  const values = readTensor(sp.values, label);
  const dtype = values.dtype;
  if (dtype === DataType.STRING) throw new QuantaError(`${label} holds strings; quanta reads numeric sparse tensors only (store it dense)`);
  const denseBytes = rawByteLength(dtype, count);
  if (!Number.isSafeInteger(count) || denseBytes > MAX_DENSE_BYTES) {
    throw new QuantaError(`${label} would be ${dtypeName(dtype)}[${clipList(dims)}] dense (${formatGB(denseBytes)}); quanta densifies sparse initializers and refuses ones over 2 GB`);
  }
  if (values.dims.length !== 1) throw new QuantaError(`invalid model: ${label}: values must be 1-D, not [${clipList(values.dims)}]`);
  const nnz = values.dims[0]!;
  if (nnz > count) throw new QuantaError(`invalid model: ${label} has ${nnz} values for ${count} elements`);
  let indices: Tensor | undefined;
  if (sp.indices) indices = readTensor(sp.indices, `the indices of ${label}`);
  else if (nnz > 0) throw new QuantaError(`invalid model: ${label} has ${nnz} values but no indices`);
  const rank = dims.length;
  let positions: Float64Array = new Float64Array(0);
  if (indices) {
    if (indices.dtype !== DataType.INT64) throw new QuantaError(`invalid model: the indices of ${label} are ${dtypeName(indices.dtype)}; ONNX requires int64`);
    const linear = indices.dims.length === 1 && indices.dims[0] === nnz;
    const coords = indices.dims.length === 2 && indices.dims[0] === nnz && indices.dims[1] === rank;
    if (!linear && !coords) {
      throw new QuantaError(`invalid model: the indices of ${label} have shape [${clipList(indices.dims)}]; expected [${nnz}] or [${nnz}, ${rank}]`);
    }
    positions = linearPositions(indices.toFloat64(), nnz, dims, linear, label);
  }
  const out = new Uint8Array(denseBytes);
  const src = values.bytes();
  const bits = dtypeBits(dtype);
  if (bits === 4) {
    for (let k = 0; k < nnz; k++) {
      const nibble = (src[k >> 1]! >> ((k & 1) * 4)) & 0xf;
      const p = positions[k]!;
      const byte = p >> 1;
      out[byte] = p & 1 ? (out[byte]! & 0x0f) | (nibble << 4) : (out[byte]! & 0xf0) | nibble;
    }
  } else {
    const size = bits / 8;
    for (let k = 0; k < nnz; k++) out.set(src.subarray(k * size, (k + 1) * size), positions[k]! * size);
  }
  return Tensor.fromBytes(dtype, dims, out, new SparseOrigin(sp, values, indices));
}

/** Row-major positions of the NNZ entries, each checked to lie inside the dense shape. */
function linearPositions(idx: Float64Array, nnz: number, dims: number[], linear: boolean, label: string): Float64Array {
  const count = dims.reduce((a, b) => a * b, 1);
  const out = new Float64Array(nnz);
  const rank = dims.length;
  for (let k = 0; k < nnz; k++) {
    let p = 0;
    if (linear) p = idx[k]!;
    else {
      for (let j = 0; j < rank; j++) {
        const c = idx[k * rank + j]!;
        if (!(c >= 0 && c < dims[j]!)) throw new QuantaError(`invalid model: ${label}: index ${c} of entry ${k} is outside dimension ${j} of size ${dims[j]}`);
        p = p * dims[j]! + c;
      }
    }
    if (!(Number.isInteger(p) && p >= 0 && p < count)) throw new QuantaError(`invalid model: ${label}: entry ${k} is at position ${p}, outside its ${count} elements`);
    out[k] = p;
  }
  return out;
}

function clipList(xs: readonly number[]): string {
  return xs.length <= 8 ? xs.join(",") : `${xs.slice(0, 8).join(",")},… (${xs.length} dims)`;
}

function formatGB(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(bytes < 2 ** 40 ? 2 : 0)} GB`;
}
