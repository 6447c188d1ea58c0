// What a shape rule sees of one node: its inputs' dtypes, shapes and tracked values, its
// attributes with the schema's defaults applied, and where to put the output facts.

import type { Node } from "../ir/node.js";
import type { Dim, Value } from "../ir/value.js";
import type { DataType } from "../ir/dtype.js";
import type { OpVersion } from "./schema.js";
import { readArgument, type IntsArgument } from "./argument.js";
import { symNumbers, type SymTensor } from "./sym-tensor.js";
import type { Tensor } from "../ir/tensor/tensor.js";

export interface ValueFacts {
  readonly dtype: DataType | undefined;
  /** undefined when the rank is unknown. */
  readonly shape: readonly Dim[] | undefined;
}

/** How a context learns about input values; elements are asked for only when a rule needs them. */
export interface FactSource {
  facts(v: Value): ValueFacts;
  /** Tracked elements, when known (constants and shape arithmetic). */
  elements(v: Value): SymTensor | undefined;
}

export interface OutputFacts {
  readonly dtype: DataType | undefined;
  readonly shape: readonly Dim[] | undefined;
}

export class InferContext {
  readonly outputs: (OutputFacts | undefined)[] = [];
  readonly values: (SymTensor | undefined)[] = [];

  constructor(
    readonly node: Node,
    readonly version: OpVersion,
    readonly opset: number,
    private readonly source: FactSource,
  ) {}

  get inputCount(): number {
    return this.node.inputs.length;
  }

  get outputCount(): number {
    return this.node.outputs.length;
  }

  /** Whether input `i` is given (not omitted). */
  has(i: number): boolean {
    return this.node.input(i) !== null;
  }

  private of(i: number): ValueFacts | undefined {
    const v = this.node.input(i);
    return v ? this.source.facts(v) : undefined;
  }

  dtype(i: number): DataType | undefined {
    return this.of(i)?.dtype;
  }

  shape(i: number): Dim[] | undefined {
    const s = this.of(i)?.shape;
    return s ? [...s] : undefined;
  }

  rank(i: number): number | undefined {
    return this.of(i)?.shape?.length;
  }

  value(i: number): SymTensor | undefined {
    const v = this.node.input(i);
    return v ? this.source.elements(v) : undefined;
  }

  /** Input `i`'s elements when all are known numbers. */
  numbers(i: number): number[] | undefined {
    return symNumbers(this.value(i));
  }

  /** A 1-D shape-like input as dims: tracked elements (maybe symbolic), else unknowns of its known length. */
  dimsOf(i: number): Dim[] | undefined {
    const v = this.value(i);
    if (v) return [...v.data];
    const len = this.shape(i)?.[0];
    return typeof len === "number" ? new Array<Dim>(len).fill(null) : undefined;
  }

  private attrSpec(name: string): OpVersion["attributes"][string] {
    const spec = this.version.attributes[name];
    if (!spec) throw new Error(`${this.node.opType} (opset ${this.version.since} signature) has no attribute "${name}"`);
    return spec;
  }

  private missing(name: string): Error {
    return new Error(`${this.node.describe()} lacks attribute "${name}"`);
  }

  int(name: string): number {
    const v = this.node.getInt(name) ?? this.attrSpec(name).default;
    if (typeof v !== "number") throw this.missing(name);
    return v;
  }

  float(name: string): number {
    const v = this.node.getFloat(name) ?? this.attrSpec(name).default;
    if (typeof v !== "number") throw this.missing(name);
    return v;
  }

  string(name: string): string {
    const v = this.node.getString(name) ?? this.attrSpec(name).default;
    if (typeof v !== "string") throw this.missing(name);
    return v;
  }

  /** An ints attribute or its default; undefined when neither (e.g. Conv without kernel_shape). */
  ints(name: string): number[] | undefined {
    const v = this.node.getInts(name) ?? this.attrSpec(name).default;
    return Array.isArray(v) ? [...(v as number[])] : undefined;
  }

  floats(name: string): number[] | undefined {
    const v = this.node.getFloats(name) ?? this.attrSpec(name).default;
    return Array.isArray(v) ? [...(v as number[])] : undefined;
  }

  tensor(name: string): Tensor | undefined {
    this.attrSpec(name);
    const a = this.node.getAttribute(name);
    return a?.type === "tensor" ? a.value : undefined;
  }

  /** An argument carried as attribute or input depending on the opset (axes, split, pads, ...). */
  arg(name: string): IntsArgument {
    return readArgument(this.version, this.node, name, (v) => symNumbers(this.source.elements(v)));
  }

  /** Sets output `i`'s dtype and shape (undefined shape: rank unknown). */
  out(i: number, dtype: DataType | undefined, shape: readonly Dim[] | undefined): void {
    if (i < this.outputCount) this.outputs[i] = { dtype, shape: shape ? [...shape] : undefined };
  }

  /** Records the elements of output `i` for later shape arithmetic. */
  outValue(i: number, value: SymTensor | undefined): void {
    if (i < this.outputCount && value) this.values[i] = value;
  }
}
