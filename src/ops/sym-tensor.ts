// Small tensors whose elements shape inference tracks: constants and, above all, shape
// arithmetic (Shape → Gather → Concat → Reshape) where elements may be symbolic dims.
// Elements are numbers, dim symbols, or null when one element is unknown.

import type { Dim } from "../ir/value.js";
import { DataType, isFloatType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { broadcastShapes } from "./broadcast.js";
import { strides } from "../runtime/host-tensor.js";

export interface SymTensor {
  readonly dtype: DataType;
  /** Concrete shape of the tensor itself (its elements may be symbolic, its shape never is). */
  readonly dims: readonly number[];
  /** Row-major elements. */
  readonly data: readonly Dim[];
}

/** Larger tensors are not tracked: shape arithmetic never needs them. */
export const MAX_TRACKED_ELEMENTS = 1024;

const NOT_NUMERIC = new Set<number>([
  DataType.UNDEFINED,
  DataType.STRING,
  DataType.COMPLEX64,
  DataType.COMPLEX128,
  DataType.FLOAT8E4M3FN,
  DataType.FLOAT8E4M3FNUZ,
  DataType.FLOAT8E5M2,
  DataType.FLOAT8E5M2FNUZ,
  DataType.FLOAT8E8M0,
  DataType.FLOAT4E2M1,
]);

export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

export function symTensor(dtype: DataType, dims: readonly number[], data: readonly Dim[]): SymTensor | undefined {
  if (data.length !== elementCount(dims) || data.length > MAX_TRACKED_ELEMENTS) return undefined;
  return { dtype, dims: [...dims], data: [...data] };
}

/** The tracked form of a constant tensor, when it is small and numeric. */
export function symFromTensor(t: Tensor | undefined): SymTensor | undefined {
  if (!t || t.size > MAX_TRACKED_ELEMENTS || NOT_NUMERIC.has(t.dtype)) return undefined;
  return { dtype: t.dtype, dims: [...t.dims], data: tensorNumbers(t) };
}

/** A small tensor's elements as numbers. */
export function tensorNumbers(t: Tensor): number[] {
  return t.toNumbers();
}

/** All elements as numbers, or undefined when any is symbolic or unknown. */
export function symNumbers(s: SymTensor | undefined): number[] | undefined {
  if (!s) return undefined;
  for (const d of s.data) if (typeof d !== "number") return undefined;
  return s.data as number[];
}

/** Converts an element to what a tensor of `dtype` would hold (integers truncate, bool is 0/1). */
export function castElement(d: Dim, dtype: DataType): Dim {
  if (typeof d !== "number") return dtype === DataType.BOOL ? null : d;
  if (dtype === DataType.BOOL) return d !== 0 ? 1 : 0;
  if (isFloatType(dtype)) return d;
  return Number.isFinite(d) ? Math.trunc(d) : d;
}

/** Elementwise op with numpy broadcasting over tracked tensors. */
export function mapBroadcast(inputs: readonly SymTensor[], dtype: DataType, fn: (xs: Dim[]) => Dim): SymTensor | undefined {
  const shape = broadcastShapes(...inputs.map((s) => s.dims)) as number[] | undefined;
  if (!shape) return undefined;
  const n = elementCount(shape);
  if (n > MAX_TRACKED_ELEMENTS) return undefined;
  const out: Dim[] = new Array<Dim>(n);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    const xs = inputs.map((s) => s.data[offsetOf(s.dims, shape, idx)]!);
    out[k] = castElement(fn(xs), dtype);
    increment(idx, shape);
  }
  return { dtype, dims: shape, data: out };
}

/** Offset in a tensor of `dims` for an index of the (broadcast) shape `shape`. */
function offsetOf(dims: readonly number[], shape: readonly number[], idx: readonly number[]): number {
  const off = shape.length - dims.length;
  let o = 0;
  for (let i = 0; i < dims.length; i++) o = o * dims[i]! + (dims[i] === 1 ? 0 : idx[off + i]!);
  return o;
}

function increment(idx: number[], shape: readonly number[]): void {
  for (let i = shape.length - 1; i >= 0; i--) {
    if (++idx[i]! < shape[i]!) return;
    idx[i] = 0;
  }
}

/** Keeps, per axis, the listed positions in order (Slice; also any other per-axis selection). */
export function selectAlongAxes(s: SymTensor, picks: readonly (readonly number[])[]): SymTensor {
  const dims = picks.map((p) => p.length);
  const n = elementCount(dims);
  const st = strides(s.dims);
  const out: Dim[] = new Array<Dim>(n);
  const idx = new Array<number>(dims.length).fill(0);
  for (let k = 0; k < n; k++) {
    let o = 0;
    for (let a = 0; a < dims.length; a++) o += picks[a]![idx[a]!]! * st[a]!;
    out[k] = s.data[o]!;
    increment(idx, dims);
  }
  return { dtype: s.dtype, dims, data: out };
}

/** numpy.take(data, indices, axis): Gather on tracked tensors. */
export function gatherElements(s: SymTensor, indices: readonly number[], indexDims: readonly number[], axis: number): SymTensor | undefined {
  const outer = elementCount(s.dims.slice(0, axis));
  const axisLen = s.dims[axis]!;
  const inner = elementCount(s.dims.slice(axis + 1));
  const dims = [...s.dims.slice(0, axis), ...indexDims, ...s.dims.slice(axis + 1)];
  if (elementCount(dims) > MAX_TRACKED_ELEMENTS) return undefined;
  const out: Dim[] = [];
  for (let o = 0; o < outer; o++) {
    for (const raw of indices) {
      const i = raw < 0 ? raw + axisLen : raw;
      if (i < 0 || i >= axisLen) throw new Error(`Gather index ${raw} is out of range for a dim of ${axisLen}`);
      for (let k = 0; k < inner; k++) out.push(s.data[(o * axisLen + i) * inner + k]!);
    }
  }
  return { dtype: s.dtype, dims, data: out };
}

/** Permutes the axes of a tracked tensor (Transpose). */
export function transposeElements(s: SymTensor, perm: readonly number[]): SymTensor {
  const dims = perm.map((p) => s.dims[p]!);
  const st = strides(s.dims);
  const n = s.data.length;
  const out: Dim[] = new Array<Dim>(n);
  const idx = new Array<number>(dims.length).fill(0);
  for (let k = 0; k < n; k++) {
    let o = 0;
    for (let a = 0; a < dims.length; a++) o += idx[a]! * st[perm[a]!]!;
    out[k] = s.data[o]!;
    increment(idx, dims);
  }
  return { dtype: s.dtype, dims, data: out };
}

