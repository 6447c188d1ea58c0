// float32 tensor data to float16, saturating instead of overflowing: a weight of 1e6 becoming
// Infinity would poison every activation it touches, while 65504 usually only shifts them.

import { DataType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { FLOAT16_MAX, float32ToFloat16Bits } from "../ir/tensor/float16.js";

/** What conversion did to values that float16 cannot hold; accumulated across tensors. */
export interface RangeCounts {
  /** Finite values beyond ±65504, stored as ±65504. */
  clampedValues: number;
  /** Non-zero values that rounded to (signed) zero. */
  underflowedValues: number;
  /** Non-zero values smaller than `minPositive` in magnitude, stored as ±minPositive. */
  raisedValues: number;
}

export function emptyRangeCounts(): RangeCounts {
  return { clampedValues: 0, underflowedValues: 0, raisedValues: 0 };
}

/**
 * float32 `t` as a float16 tensor of the same shape. Values past ±65504 are clamped, NaN and
 * ±Infinity kept. With `minPositive`, non-zero magnitudes below it become ±minPositive, so
 * tiny weights survive (as in onnxconverter-common); without it they round as IEEE says.
 */
export function tensorToFloat16(t: Tensor, counts: RangeCounts, minPositive?: number): Tensor {
  if (t.dtype !== DataType.FLOAT) throw new Error(`expected a float tensor, got element type ${t.dtype}`);
  const src = t.toFloat32();
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = valueToFloat16Bits(src[i]!, counts, minPositive);
  return Tensor.fromArray(DataType.FLOAT16, t.dims, out);
}

/** One value's float16 bits, counting what `tensorToFloat16` counts. */
export function valueToFloat16Bits(x: number, counts: RangeCounts, minPositive?: number): number {
  if (Number.isFinite(x) && x !== 0) {
    const mag = Math.abs(x);
    if (mag > FLOAT16_MAX) {
      counts.clampedValues++;
      x = Math.sign(x) * FLOAT16_MAX;
    } else if (minPositive !== undefined && mag < minPositive) {
      counts.raisedValues++;
      x = Math.sign(x) * minPositive;
    }
  }
  const bits = float32ToFloat16Bits(x);
  if ((bits & 0x7fff) === 0 && x !== 0 && !Number.isNaN(x)) counts.underflowedValues++;
  return bits;
}
