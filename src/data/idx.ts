// The idx format of MNIST-style data sets: two zero bytes, an element-type code, the number of
// dimensions, then each dimension as a big-endian uint32, then the data in C order.

import { fail } from "./data-error.js";

export interface IdxArray {
  /** Element type code: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64. */
  readonly typeCode: number;
  readonly dims: readonly number[];
  /** The raw big-endian payload (for uint8, the values themselves). */
  readonly data: Uint8Array;
}

const WIDTH: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };

export function looksLikeIdx(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && WIDTH[bytes[2]!] !== undefined && bytes[3]! >= 1 && bytes[3]! <= 4;
}

/** The 32-bit magic as hex, e.g. "0x00000803", for messages. */
export function idxMagic(bytes: Uint8Array): string {
  const v = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) : 0;
  return "0x" + v.toString(16).padStart(8, "0");
}

export function decodeIdx(bytes: Uint8Array, name: string): IdxArray {
  if (!looksLikeIdx(bytes)) fail(`${name} is not an idx file (magic ${idxMagic(bytes)}; expected 0x00000803 for images or 0x00000801 for labels)`);
  const typeCode = bytes[2]!;
  const rank = bytes[3]!;
  const start = 4 + 4 * rank;
  if (bytes.length < start) fail(`${name}: truncated idx header; the file is incomplete`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const nbytes = dims.reduce((a, b) => a * b, 1) * WIDTH[typeCode]!;
  if (bytes.length - start < nbytes) {
    fail(`${name}: idx data is truncated (${bytes.length - start} of ${nbytes} bytes for [${dims}]); the file is incomplete`);
  }
  return { typeCode, dims, data: bytes.subarray(start, start + nbytes) };
}
