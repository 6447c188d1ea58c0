// Builds graphs in code: reference models, tests, and later the autodiff's backward graphs.

import { Graph } from "./graph.js";
import { Model } from "./model.js";
import type { Value, Dim } from "./value.js";
import type { AttrInput } from "./attribute.js";
import { Tensor, type TypedArray } from "./tensor/tensor.js";
import { DataType } from "./dtype.js";

export class GraphBuilder {
  constructor(readonly graph: Graph) {}

  input(name: string, dtype: DataType, shape: Dim[]): Value {
    return this.graph.addInput(name, { kind: "tensor", dtype, shape });
  }

  /** Marks `v` as a graph output, renaming it to `name` when given. */
  output(v: Value, name?: string): Value {
    if (name && v.name !== name) renameValue(v, name);
    this.graph.addOutput(v);
    return v;
  }

  initializer(name: string, tensor: Tensor): Value {
    return this.graph.addInitializer(name, tensor);
  }

  /** A float32 (default) or other constant initializer from plain numbers. */
  constant(values: number[] | TypedArray, dims?: number[], dtype: DataType = DataType.FLOAT, name = "const"): Value {
    return this.initializer(name, Tensor.fromArray(dtype, dims ?? [values.length], values as TypedArray));
  }

  /** An int64 constant (shapes, axes). */
  ints(values: number[], name = "ints"): Value {
    return this.constant(values, [values.length], DataType.INT64, name);
  }

  /** Adds a node and returns its first output. */
  op(opType: string, inputs: readonly (Value | null)[], attributes: Record<string, AttrInput | undefined> = {}, opts: { domain?: string; name?: string; output?: string } = {}): Value {
    const node = this.graph.addNode(opType, inputs, attributes, {
      domain: opts.domain,
      name: opts.name,
      outputs: opts.output ? [opts.output] : 1,
    });
    return node.output(0);
  }

  /** Adds a node with several outputs. */
  opN(opType: string, inputs: readonly (Value | null)[], attributes: Record<string, AttrInput | undefined>, outputs: number, opts: { domain?: string; name?: string } = {}): Value[] {
    return [...this.graph.addNode(opType, inputs, attributes, { ...opts, outputs }).outputs];
  }
}

/** Renames a value through the graph's name authority (the new name must be free). */
export function renameValue(v: Value, name: string): void {
  const names = v.graph.names;
  if (names.has(name)) throw new Error(`name "${name}" is already used in this model`);
  names.release(v.name);
  names.claim(name);
  if (v.initializer) {
    v.graph.initializers.delete(v.name);
    v.graph.initializers.set(name, v);
  }
  v.name = name;
}

/** Renames a value to a fresh name derived from `base` (never clashes). */
export function renameFresh(v: Value, base: string): string {
  const names = v.graph.names;
  const name = names.fresh(base);
  names.release(name);
  renameValue(v, name);
  return name;
}

/** A new empty model and a builder for its main graph. */
export function createModel(opts: { opset?: number; irVersion?: number; name?: string; producer?: string; extraOpsets?: Record<string, number> } = {}): { model: Model; builder: GraphBuilder } {
  const graph = new Graph(opts.name ?? "main");
  const model = new Model(graph, { irVersion: opts.irVersion ?? 10, opsets: { "": opts.opset ?? 17, ...(opts.extraOpsets ?? {}) } });
  model.producerName = opts.producer ?? "quanta";
  return { model, builder: new GraphBuilder(graph) };
}
