// The typed builder gradient rules emit backward nodes through. It hides the opset differences
// of the few ops whose axes moved from attributes to inputs, caches constants and Shape nodes so
// a backward pass does not repeat them, and folds shape vectors to constants when shapes are static.

import type { Graph } from "../ir/graph.js";
import type { Value, Dim } from "../ir/value.js";
import type { AttrInput } from "../ir/attribute.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { DataType } from "../ir/dtype.js";

/** A shape-like vector: known numbers, or a 1-D int64 value computed at run time. */
export type ShapeVec = readonly number[] | Value;

export class Emitter {
  private readonly constants = new Map<string, Value>();
  private readonly shapes = new Map<Value, Value>();

  constructor(
    readonly graph: Graph,
    readonly opset: number,
    /** Base of the names given to emitted values and constants. */
    readonly prefix = "grad",
  ) {}

  op(opType: string, inputs: readonly (Value | null)[], attributes: Record<string, AttrInput> = {}): Value {
    return this.opN(opType, inputs, attributes, 1)[0]!;
  }

  opN(opType: string, inputs: readonly (Value | null)[], attributes: Record<string, AttrInput>, outputs: number): Value[] {
    const name = this.graph.names.fresh(`${this.prefix}/${opType}`);
    const outNames = Array.from({ length: outputs }, (_, i) => `${name}_out${outputs > 1 ? i : ""}`);
    return [...this.graph.addNode(opType, inputs, attributes, { name, outputs: outNames }).outputs];
  }

  // ---- constants ----

  tensor(values: readonly number[], dims: readonly number[], dtype: DataType): Value {
    const key = `${dtype}|${dims.join(",")}|${values.join(",")}`;
    let v = this.constants.get(key);
    if (!v) {
      v = this.graph.addInitializer(`${this.prefix}/const`, Tensor.fromArray(dtype, dims, [...values]));
      this.constants.set(key, v);
    }
    return v;
  }

  /** A rank-0 constant of `dtype` (broadcasts against anything). */
  scalar(value: number, dtype: DataType): Value {
    return this.tensor([value], [], dtype);
  }

  /** A 1-D int64 constant (axes, shapes, starts). */
  ints(values: readonly number[]): Value {
    return this.tensor(values, [values.length], DataType.INT64);
  }

  // ---- shapes ----

  /** Shape(v), once per value. */
  shapeOf(v: Value): Value {
    let s = this.shapes.get(v);
    if (!s) {
      s = this.op("Shape", [v]);
      this.shapes.set(v, s);
    }
    return s;
  }

  /** v's shape as numbers when static, else as a Shape node. */
  shapeVec(v: Value): ShapeVec {
    const dims = staticDims(v.shape);
    return dims ?? this.shapeOf(v);
  }

  /** dims [start, end) of v's shape, folded when static. */
  dimsOf(v: Value, start: number, end?: number): ShapeVec {
    const s = v.shape;
    if (s) {
      const part = staticDims(s.slice(start, end));
      if (part) return part;
    }
    const attrs = end === undefined ? [this.ints([start]), this.ints([2 ** 62])] : [this.ints([start]), this.ints([end])];
    return this.op("Slice", [this.shapeOf(v), ...attrs]);
  }

  /** Concatenates shape vectors; constant when every part is. */
  concatShape(parts: readonly ShapeVec[]): ShapeVec {
    if (parts.every((p) => Array.isArray(p))) return (parts as number[][]).flat();
    return this.op("Concat", parts.map((p) => this.vec(p)), { axis: 0 });
  }

  vec(p: ShapeVec): Value {
    return Array.isArray(p) ? this.ints(p as number[]) : (p as Value);
  }

  /** The one-element tensor ConstantOfShape's `value` attribute takes. */
  tensorAttr(value: number, dtype: DataType): Tensor {
    return Tensor.fromArray(dtype, [1], [value]);
  }

  /** A tensor of `value` with the given shape (ConstantOfShape, so no large initializers). */
  fill(shape: ShapeVec, value: number, dtype: DataType): Value {
    if (Array.isArray(shape) && shape.length === 0) return this.scalar(value, dtype);
    return this.op("ConstantOfShape", [this.vec(shape)], { value: this.tensorAttr(value, dtype) });
  }

  zerosLike(v: Value, dtype = dtypeOf(v)): Value {
    return this.fill(this.shapeVec(v), 0, dtype);
  }

  /** Element count of x divided by that of y, as a scalar of `dtype` (the divisor of a mean). */
  sizeRatio(x: Value, y: Value, dtype: DataType): Value {
    const xs = staticDims(x.shape);
    const ys = staticDims(y.shape);
    if (xs && ys) return this.scalar(product(xs) / product(ys), dtype);
    const size = (v: Value) => this.op("Cast", [this.op("Size", [v])], { to: dtype });
    return this.op("Div", [size(x), size(y)]);
  }

  // ---- ops whose signature changed across opsets ----

  reduce(opType: "ReduceSum" | "ReduceMean" | "ReduceSumSquare", x: Value, axes: readonly number[], keepdims: boolean): Value {
    const asInput = this.opset >= (opType === "ReduceSum" ? 13 : 18);
    if (asInput) return this.op(opType, [x, this.ints(axes)], { keepdims: keepdims ? 1 : 0 });
    return this.op(opType, [x], { axes: [...axes], keepdims: keepdims ? 1 : 0 });
  }

  reduceSum(x: Value, axes: readonly number[], keepdims: boolean): Value {
    return axes.length ? this.reduce("ReduceSum", x, axes, keepdims) : x;
  }

  /** Sum of every element, as a scalar. */
  sumAll(x: Value): Value {
    return this.op("ReduceSum", [x], { keepdims: 0 });
  }

  unsqueeze(x: Value, axes: readonly number[]): Value {
    if (!axes.length) return x;
    return this.opset >= 13 ? this.op("Unsqueeze", [x, this.ints(axes)]) : this.op("Unsqueeze", [x], { axes: [...axes] });
  }

  squeeze(x: Value, axes: readonly number[]): Value {
    if (!axes.length) return x;
    return this.opset >= 13 ? this.op("Squeeze", [x, this.ints(axes)]) : this.op("Squeeze", [x], { axes: [...axes] });
  }

  split(x: Value, sizes: ShapeVec, axis: number, outputs: number): Value[] {
    if (this.opset >= 13) return this.opN("Split", [x, this.vec(sizes)], { axis }, outputs);
    if (!Array.isArray(sizes)) throw new Error(`Split with run-time sizes needs opset 13 (model has ${this.opset})`);
    return this.opN("Split", [x], { axis, split: [...(sizes as number[])] }, outputs);
  }

  pad(x: Value, pads: readonly number[]): Value {
    return this.opset >= 11 ? this.op("Pad", [x, this.ints(pads)]) : this.op("Pad", [x], { pads: [...pads] });
  }

  reshape(x: Value, shape: ShapeVec): Value {
    return this.op("Reshape", [x, this.vec(shape)]);
  }

  /** x reshaped to v's shape (static when known). */
  reshapeLike(x: Value, v: Value): Value {
    return this.reshape(x, this.shapeVec(v));
  }

  transpose(x: Value, perm: readonly number[]): Value {
    if (perm.every((p, i) => p === i)) return x;
    return this.op("Transpose", [x], { perm: [...perm] });
  }

  // ---- arithmetic shorthands ----

  add(a: Value, b: Value): Value {
    return this.op("Add", [a, b]);
  }
  sub(a: Value, b: Value): Value {
    return this.op("Sub", [a, b]);
  }
  mul(a: Value, b: Value): Value {
    return this.op("Mul", [a, b]);
  }
  div(a: Value, b: Value): Value {
    return this.op("Div", [a, b]);
  }
  neg(a: Value): Value {
    return this.op("Neg", [a]);
  }

  /** Sum of gradient contributions: Add for two, Sum for more. */
  sum(values: readonly Value[]): Value {
    if (values.length === 1) return values[0]!;
    if (values.length === 2) return this.add(values[0]!, values[1]!);
    return this.op("Sum", values);
  }
}

/** The element type of a value; float32 when shape inference could not tell. */
export function dtypeOf(v: Value): DataType {
  const t = v.dtype;
  return t === undefined || t === DataType.UNDEFINED ? DataType.FLOAT : t;
}

export function staticDims(shape: readonly Dim[] | undefined): number[] | undefined {
  if (!shape) return undefined;
  for (const d of shape) if (typeof d !== "number") return undefined;
  return shape as number[];
}

export function product(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

export function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}
