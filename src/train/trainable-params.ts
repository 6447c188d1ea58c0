// Which initializers a training run updates by default: float32 tensors of rank >= 1 that the
// loss depends on. Rank-0 floats are almost always constants an exporter inlined (epsilon,
// exponents, mask fill values); integer initializers are shapes and indices.

import type { Graph } from "../ir/graph.js";
import type { Value } from "../ir/value.js";
import { DataType } from "../ir/dtype.js";
import { QuantaError } from "../errors.js";

export function trainableParams(graph: Graph, loss: Value, exclude: ReadonlySet<string> = new Set()): string[] {
  const reaches = new Set<Value>();
  const stack = [loss];
  while (stack.length) {
    const v = stack.pop()!;
    if (reaches.has(v)) continue;
    reaches.add(v);
    const p = v.producer;
    if (!p) continue;
    for (const u of p.inputs) if (u) stack.push(u);
    // Values that subgraph bodies read from this scope feed the node too.
    for (const u of p.implicitInputs()) stack.push(u);
  }
  return [...graph.initializers.values()]
    .filter((v) => !exclude.has(v.name) && reaches.has(v) && v.initializer!.dtype === DataType.FLOAT && v.initializer!.dims.length >= 1)
    .map((v) => v.name);
}

/** Checks names the user chose: each must be a float32 initializer. */
export function checkParams(graph: Graph, names: readonly string[]): string[] {
  for (const n of names) {
    const v = graph.initializers.get(n);
    if (!v) throw new QuantaError(`cannot train "${n}": the model has no initializer of that name`, 2);
    if (v.initializer!.dtype !== DataType.FLOAT) throw new QuantaError(`cannot train "${n}": only float32 initializers can be trained`, 2);
  }
  return [...new Set(names)];
}
