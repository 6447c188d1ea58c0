// How closely a converted model's output follows the original's: the numbers a float16
// conversion is judged by. Float16 outputs arrive as raw bits and are decoded first.

import type { HostTensor } from "../runtime/host-tensor.js";
import { float16BitsToFloat32 } from "../ir/tensor/float16.js";

export interface Agreement {
  /** Largest |test − reference| over all elements. */
  maxAbsError: number;
  /** ‖test − reference‖₂ / ‖reference‖₂. */
  relativeError: number;
  /** Fraction of rows (all axes but the last) whose arg-max along the last axis is the same. */
  top1Agreement: number;
  rows: number;
}

/** Compares two outputs of the same shape (float32 or float16). */
export function compareOutputs(reference: HostTensor, test: HostTensor): Agreement {
  const a = hostFloats(reference);
  const b = hostFloats(test);
  if (a.length !== b.length || reference.dims.join() !== test.dims.join()) {
    throw new Error(`cannot compare outputs of shapes [${reference.dims}] and [${test.dims}]`);
  }
  let maxAbs = 0;
  let diff2 = 0;
  let ref2 = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(b[i]! - a[i]!);
    if (d > maxAbs || Number.isNaN(d)) maxAbs = d;
    diff2 += d * d;
    ref2 += a[i]! * a[i]!;
  }
  const width = reference.dims.length ? reference.dims[reference.dims.length - 1]! : 1;
  const rows = width ? a.length / width : 0;
  let same = 0;
  for (let r = 0; r < rows; r++) if (argMax(a, r * width, width) === argMax(b, r * width, width)) same++;
  return {
    maxAbsError: maxAbs,
    relativeError: ref2 > 0 ? Math.sqrt(diff2 / ref2) : Math.sqrt(diff2),
    top1Agreement: rows ? same / rows : 1,
    rows,
  };
}

/** A float32 or float16 host tensor's values as float32. */
export function hostFloats(t: HostTensor): Float32Array {
  if (t.type === "float32") return t.data as Float32Array;
  if (t.type === "float16") return Float32Array.from(t.data as Uint16Array, float16BitsToFloat32);
  throw new Error(`expected a float32 or float16 output, got ${t.type}`);
}

function argMax(x: Float32Array, start: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (x[start + i]! > x[start + best]!) best = i;
  return best;
}
