// Immutable dense tensor of the IR. Bytes live in memory or, for external data, in a side
// file read only when asked for, so a large model is never held twice. Passes never mutate
// a tensor: they build a new one, which is what lets serde re-emit an untouched original.

import { readSync, openSync, closeSync } from "node:fs";
import { DataType, dtypeBits, dtypeName, rawByteLength, dtypeToHost } from "../dtype.js";
import { bfloat16BitsToFloat32, float16BitsToFloat32 } from "./float16.js";
import { unpackInt4 } from "./int4.js";
import type { HostTensor } from "../../runtime/host-tensor.js";

export interface ExternalLocation {
  /** Absolute path of the side file (already checked to lie inside the model's folder). */
  readonly file: string;
  readonly offset: number;
  readonly length: number;
  /** The `location` string as written in the model, relative to the model's folder. */
  readonly location: string;
}

type Source =
  | { kind: "raw"; bytes: Uint8Array }
  | { kind: "external"; at: ExternalLocation }
  | { kind: "strings"; values: Uint8Array[] };

export type TypedArray =
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

export class Tensor {
  readonly dtype: DataType;
  readonly dims: readonly number[];
  private readonly source: Source;
  /** Opaque serde memo of the encoding this tensor was read from; re-emitted while unchanged. */
  readonly origin: unknown;

  private constructor(dtype: DataType, dims: readonly number[], source: Source, origin?: unknown) {
    this.dtype = dtype;
    this.dims = Object.freeze([...dims]);
    this.source = source;
    this.origin = origin;
  }

  static fromBytes(dtype: DataType, dims: readonly number[], bytes: Uint8Array, origin?: unknown): Tensor {
    const t = new Tensor(dtype, dims, { kind: "raw", bytes }, origin);
    const want = rawByteLength(dtype, t.size);
    if (bytes.byteLength !== want) {
      throw new Error(`tensor ${dtypeName(dtype)}[${dims.join(",")}] needs ${want} bytes, got ${bytes.byteLength}`);
    }
    return t;
  }

  static external(dtype: DataType, dims: readonly number[], at: ExternalLocation, origin?: unknown): Tensor {
    const t = new Tensor(dtype, dims, { kind: "external", at }, origin);
    const want = rawByteLength(dtype, t.size);
    if (at.length !== want) {
      throw new Error(`external tensor ${dtypeName(dtype)}[${dims.join(",")}] needs ${want} bytes, its entry says ${at.length}`);
    }
    return t;
  }

  static fromStrings(dims: readonly number[], values: Uint8Array[], origin?: unknown): Tensor {
    return new Tensor(DataType.STRING, dims, { kind: "strings", values }, origin);
  }

  /** Wraps a typed array (copied) of the matching element type. float16/bfloat16 take Uint16Array bits. */
  static fromArray(dtype: DataType, dims: readonly number[], data: TypedArray | readonly number[]): Tensor {
    const arr = ArrayBuffer.isView(data) ? data : toTypedArray(dtype, data);
    const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength).slice();
    return Tensor.fromBytes(dtype, dims, bytes);
  }

  static scalar(dtype: DataType, value: number): Tensor {
    return Tensor.fromArray(dtype, [], [value]);
  }

  static fromHost(h: HostTensor, dtype: DataType): Tensor {
    return Tensor.fromArray(dtype, h.dims, h.data);
  }

  get size(): number {
    let n = 1;
    for (const d of this.dims) n *= d;
    return n;
  }

  get byteLength(): number {
    if (this.source.kind === "strings") return this.source.values.reduce((a, v) => a + v.byteLength, 0);
    return rawByteLength(this.dtype, this.size);
  }

  get isExternal(): boolean {
    return this.source.kind === "external";
  }

  get externalLocation(): ExternalLocation | undefined {
    return this.source.kind === "external" ? this.source.at : undefined;
  }

  get strings(): Uint8Array[] {
    if (this.source.kind !== "strings") throw new Error(`tensor of ${dtypeName(this.dtype)} has no strings`);
    return this.source.values;
  }

  /** Raw little-endian bytes. External data is read from disk on every call: keep the result if needed twice. */
  bytes(): Uint8Array {
    switch (this.source.kind) {
      case "raw":
        return this.source.bytes;
      case "external":
        return readExternal(this.source.at);
      case "strings":
        throw new Error("string tensors have no raw bytes");
    }
  }

  /** A typed-array view in the natural JS type (float16/bfloat16 as Uint16Array bits, 4-bit types unpacked to Int8Array). */
  toArray(): TypedArray {
    const b = this.bytes();
    if (dtypeBits(this.dtype) === 4) {
      return unpackInt4(b, this.size, this.dtype === DataType.INT4);
    }
    const ctor = arrayCtor(this.dtype);
    // Copy when unaligned (Buffer#slice would return a view, so copy explicitly).
    const aligned = b.byteOffset % ctor.BYTES_PER_ELEMENT === 0 ? b : new Uint8Array(b);
    return new ctor(aligned.buffer, aligned.byteOffset, aligned.byteLength / ctor.BYTES_PER_ELEMENT);
  }

  /** Values as float64 numbers (decodes float16/bfloat16; int64 converted with Number()). */
  toFloat64(): Float64Array {
    const a = this.toArray();
    const out = new Float64Array(this.size);
    if (this.dtype === DataType.FLOAT16) for (let i = 0; i < out.length; i++) out[i] = float16BitsToFloat32(a[i] as number);
    else if (this.dtype === DataType.BFLOAT16) for (let i = 0; i < out.length; i++) out[i] = bfloat16BitsToFloat32(a[i] as number);
    else if (a instanceof BigInt64Array || a instanceof BigUint64Array) for (let i = 0; i < out.length; i++) out[i] = Number(a[i]);
    else out.set(a as Float32Array);
    return out;
  }

  toFloat32(): Float32Array {
    if (this.dtype === DataType.FLOAT) return this.toArray() as Float32Array;
    return Float32Array.from(this.toFloat64());
  }

  /** Small integer tensors (shapes, axes) as plain numbers. */
  toNumbers(): number[] {
    return Array.from(this.toFloat64());
  }

  /** For ONNX Runtime input. */
  toHost(): HostTensor {
    return { type: dtypeToHost(this.dtype), dims: this.dims, data: this.toArray() };
  }

  /** Same data, new shape (element count must match). */
  reshape(dims: readonly number[]): Tensor {
    const t = new Tensor(this.dtype, dims, this.source);
    if (t.size !== this.size) throw new Error(`cannot reshape [${this.dims}] to [${dims}]`);
    return t;
  }
}

function readExternal(at: ExternalLocation): Uint8Array {
  const out = new Uint8Array(at.length);
  let fd: number;
  try {
    fd = openSync(at.file, "r");
  } catch {
    throw new Error(`external data file "${at.location}" is missing (looked for ${at.file}); keep it beside the model`);
  }
  try {
    let done = 0;
    while (done < at.length) {
      const n = readSync(fd, out, done, at.length - done, at.offset + done);
      if (n === 0) {
        throw new Error(`external data file "${at.location}" ends before offset ${at.offset + at.length}; it is truncated`);
      }
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

type Ctor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray;
  BYTES_PER_ELEMENT: number;
};

function arrayCtor(dtype: DataType): Ctor {
  switch (dtype) {
    case DataType.FLOAT:
      return Float32Array as unknown as Ctor;
    case DataType.DOUBLE:
      return Float64Array as unknown as Ctor;
    case DataType.INT8:
      return Int8Array as unknown as Ctor;
    case DataType.UINT8:
    case DataType.BOOL:
    case DataType.FLOAT8E4M3FN:
    case DataType.FLOAT8E4M3FNUZ:
    case DataType.FLOAT8E5M2:
    case DataType.FLOAT8E5M2FNUZ:
    case DataType.FLOAT8E8M0:
      return Uint8Array as unknown as Ctor;
    case DataType.INT16:
      return Int16Array as unknown as Ctor;
    case DataType.UINT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      return Uint16Array as unknown as Ctor;
    case DataType.INT32:
      return Int32Array as unknown as Ctor;
    case DataType.UINT32:
      return Uint32Array as unknown as Ctor;
    case DataType.INT64:
      return BigInt64Array as unknown as Ctor;
    case DataType.UINT64:
    case DataType.COMPLEX64:
      return (dtype === DataType.UINT64 ? BigUint64Array : Float32Array) as unknown as Ctor;
    case DataType.COMPLEX128:
      return Float64Array as unknown as Ctor;
    default:
      throw new Error(`no array type for ${dtypeName(dtype)}`);
  }
}

function toTypedArray(dtype: DataType, values: readonly number[]): TypedArray {
  if (dtypeBits(dtype) === 4) throw new Error("pass packed bytes (packInt4) for 4-bit tensors");
  if (dtype === DataType.INT64) return BigInt64Array.from(values, toInt64);
  if (dtype === DataType.UINT64) return BigUint64Array.from(values, (v) => BigInt(Math.trunc(v)));
  const ctor = arrayCtor(dtype) as unknown as { from(v: readonly number[]): TypedArray };
  return ctor.from(values);
}

// Doubles at or past ±2^63 are the INT64 sentinels (e.g. Slice "to the end"); clamp, don't wrap.
function toInt64(v: number): bigint {
  if (v >= 9223372036854775807) return 9223372036854775807n;
  if (v <= -9223372036854775808) return -9223372036854775808n;
  return BigInt(Math.trunc(v));
}
