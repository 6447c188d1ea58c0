import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "./tensor.js";
import { DataType } from "../dtype.js";
import { float32ToFloat16Bits, float16BitsToFloat32, float32ToBfloat16Bits, bfloat16BitsToFloat32 } from "./float16.js";
import { packInt4, unpackInt4 } from "./int4.js";

test("float16 conversion matches IEEE 754 half, rounding half to even", () => {
  const cases: [number, number][] = [
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [65520, 0x7c00], // rounds up to infinity
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // exactly half of it: ties to even (zero)
    [1 + 2 ** -11, 0x3c00], // tie between 1 and 1+2^-10: even mantissa wins
    [1 + 3 * 2 ** -11, 0x3c02],
    [Infinity, 0x7c00],
  ];
  for (const [f, h] of cases) assert.equal(float32ToFloat16Bits(f), h, `${f}`);
  assert.ok(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN))));
  for (let h = 0; h < 0x7c00; h += 37) assert.equal(float32ToFloat16Bits(float16BitsToFloat32(h)), h);
});

test("bfloat16 conversion keeps the top 16 bits, rounding to nearest even", () => {
  assert.equal(float32ToBfloat16Bits(1), 0x3f80);
  assert.equal(bfloat16BitsToFloat32(0x3f80), 1);
  assert.equal(float32ToBfloat16Bits(1 + 2 ** -8), 0x3f80); // tie → even
  assert.equal(float32ToBfloat16Bits(1 + 3 * 2 ** -8), 0x3f82);
  assert.ok(Number.isNaN(bfloat16BitsToFloat32(float32ToBfloat16Bits(NaN))));
});

test("int4 packs two per byte, low nibble first, and saturates", () => {
  const packed = packInt4([1, -2, 7, -8, 9], true);
  assert.deepEqual([...packed], [0xe1, 0x87, 0x07]);
  assert.deepEqual([...unpackInt4(packed, 5, true)], [1, -2, 7, -8, 7]);
  assert.deepEqual([...unpackInt4(packInt4([15, 0, 3], false), 3, false)], [15, 0, 3]);
  const t = Tensor.fromBytes(DataType.INT4, [5], packed);
  assert.equal(t.byteLength, 3);
  assert.deepEqual([...t.toArray()], [1, -2, 7, -8, 7]);
});

test("tensors check their byte length and convert to float64", () => {
  assert.throws(() => Tensor.fromBytes(DataType.FLOAT, [3], new Uint8Array(8)), /needs 12 bytes/);
  const h = Tensor.fromArray(DataType.FLOAT16, [2], Uint16Array.from([0x3c00, 0xc000]));
  assert.deepEqual([...h.toFloat64()], [1, -2]);
  const i = Tensor.fromArray(DataType.INT64, [2], [5, -3]);
  assert.deepEqual(i.toNumbers(), [5, -3]);
  const odd = new Uint8Array(9).subarray(1); // unaligned view
  const f = Tensor.fromBytes(DataType.FLOAT, [2], odd);
  assert.deepEqual([...f.toFloat32()], [0, 0]);
});

test("unaligned views into a Node Buffer (as loaded files give) are copied before typing", () => {
  const buf = Buffer.alloc(13);
  new DataView(buf.buffer, buf.byteOffset).setFloat32(1, 2.5, true);
  const t = Tensor.fromBytes(DataType.FLOAT, [3], buf.subarray(1));
  assert.deepEqual([...t.toFloat32()], [2.5, 0, 0]);
});
