// Shape rules many ops share: output 0 like input 0, optionally mapping tracked elements.

import type { Dim } from "../ir/value.js";
import type { DataType } from "../ir/dtype.js";
import type { InferContext } from "./infer-context.js";
import type { ShapeRule } from "./schema.js";
import { castElement } from "./sym-tensor.js";

/**
 * Output 0 has input 0's dtype (or `dtype`) and shape. With `elementFn`, tracked numeric
 * elements are mapped through it (symbolic ones become unknown); without, none are tracked.
 */
export function sameAsInput(elementFn?: (x: number) => number, dtype?: DataType): ShapeRule {
  return (c: InferContext) => {
    const outType = dtype ?? c.dtype(0);
    c.out(0, outType, c.shape(0));
    const v = c.value(0);
    if (!v || outType === undefined || !elementFn) return;
    const data: Dim[] = v.data.map((d) => (typeof d === "number" ? castElement(elementFn(d), outType) : null));
    c.outValue(0, { dtype: outType, dims: v.dims, data });
  };
}

/** Output 0 is input 0, elements included (Identity and friends). */
export const passThrough: ShapeRule = (c) => {
  c.out(0, c.dtype(0), c.shape(0));
  c.outValue(0, c.value(0));
};

/** Round half to even, as ONNX Round does. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
