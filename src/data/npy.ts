// The NumPy .npy format: magic "\x93NUMPY", version, header length, a Python-dict header
// {'descr', 'fortran_order', 'shape'} padded to 64 bytes, then the raw array in C order.

import { writeFile } from "node:fs/promises";
import { type HostData, type HostTensor, type HostType, allocHost, elementCount } from "../runtime/host-tensor.js";
import { fail } from "./data-error.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

// NumPy kind+size → host type; float16 stays raw 16-bit words, as ONNX Runtime expects.
const FROM_DESCR: Record<string, HostType> = {
  f2: "float16", f4: "float32", f8: "float64",
  i1: "int8", i2: "int16", i4: "int32", i8: "int64",
  u1: "uint8", u2: "uint16", u4: "uint32", u8: "uint64",
  b1: "bool",
};
const CTOR = {
  float16: Uint16Array, float32: Float32Array, float64: Float64Array,
  int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
  bool: Uint8Array,
} as const;
const WIDTH: Record<HostType, number> = {
  float16: 2, float32: 4, float64: 8, int8: 1, int16: 2, int32: 4, int64: 8,
  uint8: 1, uint16: 2, uint32: 4, uint64: 8, bool: 1,
};
const TO_DESCR: Record<HostType, string> = {
  float16: "<f2", float32: "<f4", float64: "<f8",
  int8: "|i1", int16: "<i2", int32: "<i4", int64: "<i8",
  uint8: "|u1", uint16: "<u2", uint32: "<u4", uint64: "<u8",
  bool: "|b1",
};

export function isNpy(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

/** Parses a whole .npy file; `name` only labels error messages. */
export function decodeNpy(bytes: Uint8Array, name = "array"): HostTensor {
  if (!isNpy(bytes)) fail(`${name} is not a NumPy .npy file (missing \\x93NUMPY magic); save it with numpy.save`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 10 || (major !== 1 && major !== 2 && major !== 3)) fail(`${name}: unsupported .npy version ${major}; save it with numpy.save`);
  const lenSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenSize) fail(`${name}: truncated .npy header; the file is incomplete`);
  const headerLen = lenSize === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenSize + headerLen;
  if (start > bytes.length) fail(`${name}: truncated .npy header; the file is incomplete`);
  const header = new TextDecoder().decode(bytes.subarray(8 + lenSize, start));
  const { type, bigEndian, dims } = parseHeader(header, name);
  const count = elementCount(dims);
  const width = WIDTH[type];
  const nbytes = count * width;
  if (bytes.length - start < nbytes) {
    fail(`${name}: .npy data is truncated (${bytes.length - start} of ${nbytes} bytes for shape [${dims}]); the file is incomplete`);
  }
  // NumPy pads the header so data is aligned: view it in place (large calibration sets stay one
  // copy in memory); copy only when misaligned or when bytes must be swapped.
  const offset = bytes.byteOffset + start;
  if (!bigEndian && offset % width === 0) {
    return { type, dims, data: new CTOR[type](bytes.buffer as ArrayBuffer, offset, count) as HostData };
  }
  const out = allocHost(type, dims);
  const dst = new Uint8Array(out.data.buffer, out.data.byteOffset, nbytes);
  dst.set(bytes.subarray(start, start + nbytes));
  if (bigEndian) swapBytes(dst, width);
  return out;
}

function parseHeader(header: string, name: string): { type: HostType; bigEndian: boolean; dims: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  if (descr === undefined) fail(`${name}: .npy holds a structured or object array; save a plain numeric array instead`);
  const kind = descr.slice(1);
  const type = FROM_DESCR[kind === "?" ? "b1" : kind];
  if (!type || !"<>|=".includes(descr[0]!)) {
    fail(`${name}: unsupported .npy dtype '${descr}'; convert it with arr.astype('float32') (or an integer type)`);
  }
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  if (fortran === undefined) fail(`${name}: .npy header has no fortran_order; the file is corrupt`);
  if (fortran === "True") fail(`${name}: .npy array is in Fortran order; save numpy.ascontiguousarray(arr) instead`);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shape === undefined) fail(`${name}: .npy header has no shape; the file is corrupt`);
  const dims = shape.split(",").map((s) => s.trim()).filter((s) => s !== "").map((s) => Number(s.replace(/L$/, "")));
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) fail(`${name}: .npy shape (${shape}) is not valid; the file is corrupt`);
  // '=' means native order; every platform we run on is little-endian.
  return { type, bigEndian: descr[0] === ">" && type !== "uint8" && type !== "int8" && type !== "bool", dims };
}

function swapBytes(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

/** Serializes a tensor as a version 1.0 (or 2.0 for huge headers) .npy file. */
export function encodeNpy(tensor: HostTensor): Uint8Array {
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(", ")})`;
  const dict = `{'descr': '${TO_DESCR[tensor.type]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const width = tensor.data.BYTES_PER_ELEMENT;
  const nbytes = elementCount(tensor.dims) * width;
  if (tensor.data.length * width < nbytes) fail(`cannot save a ${tensor.type}[${tensor.dims}] tensor: it has only ${tensor.data.length} elements`);
  let lenSize = 2;
  let pad = padTo64(dict.length + 1, 10);
  if (dict.length + 1 + pad > 0xffff) {
    lenSize = 4;
    pad = padTo64(dict.length + 1, 12);
  }
  const header = dict + " ".repeat(pad) + "\n";
  const prefix = 8 + lenSize;
  const out = new Uint8Array(prefix + header.length + nbytes);
  out.set(MAGIC);
  out[6] = lenSize === 2 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (lenSize === 2) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, nbytes), prefix + header.length);
  return out;
}

// Spaces needed so that prefix + header is a multiple of 64, as NumPy requires for alignment.
function padTo64(headerLen: number, prefix: number): number {
  return (64 - ((prefix + headerLen) % 64)) % 64;
}

export async function writeNpy(path: string, tensor: HostTensor): Promise<void> {
  await writeFile(path, encodeNpy(tensor));
}
