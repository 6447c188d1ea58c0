// A tensor in host memory, shaped like ONNX Runtime's I/O tensors so it crosses the
// runtime boundary without copies. Used by datasets, evaluation and the runtime adapter.

export type HostType =
  | "float32"
  | "float64"
  | "float16"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "bool";

export type HostData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

export interface HostTensor {
  readonly type: HostType;
  readonly dims: readonly number[];
  readonly data: HostData;
}

const CTORS = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
} as const;

export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** A zero-filled host tensor of the given type and shape. */
export function allocHost(type: HostType, dims: readonly number[]): HostTensor {
  return { type, dims: [...dims], data: new CTORS[type](elementCount(dims)) };
}

/** Stacks same-typed samples along a new leading batch axis; ragged trailing dims are zero-padded. */
export function stackHost(samples: readonly HostTensor[]): HostTensor {
  if (samples.length === 0) throw new Error("cannot stack an empty list of tensors");
  const first = samples[0]!;
  const rank = first.dims.length;
  const maxDims = [...first.dims];
  for (const s of samples) {
    if (s.type !== first.type || s.dims.length !== rank) {
      throw new Error(`cannot stack tensors of ${first.type}[${first.dims}] and ${s.type}[${s.dims}]`);
    }
    s.dims.forEach((d, i) => (maxDims[i] = Math.max(maxDims[i]!, d)));
  }
  const out = allocHost(first.type, [samples.length, ...maxDims]);
  const per = elementCount(maxDims);
  samples.forEach((s, b) => {
    if (s.dims.every((d, i) => d === maxDims[i])) {
      (out.data as Uint8Array).set(s.data as Uint8Array, b * per);
      return;
    }
    copyPadded(s, maxDims, out.data, b * per);
  });
  return out;
}

function copyPadded(src: HostTensor, dims: number[], dst: HostData, base: number): void {
  const rank = dims.length;
  const srcStrides = strides(src.dims);
  const dstStrides = strides(dims);
  const n = elementCount(src.dims);
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    let off = base;
    let rem = k;
    for (let a = 0; a < rank; a++) {
      idx[a] = Math.floor(rem / srcStrides[a]!);
      rem -= idx[a]! * srcStrides[a]!;
      off += idx[a]! * dstStrides[a]!;
    }
    (dst as Float32Array)[off] = (src.data as Float32Array)[k]!;
  }
}

export function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}
