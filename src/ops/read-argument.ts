// Reading a node's arguments with the registry's knowledge, for passes: axes-like arguments
// whichever way the node's opset carries them, and attributes with their ONNX defaults applied.

import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";
import type { Graph } from "../ir/graph.js";
import { readArgument, type IntsArgument } from "./argument.js";
import { lookupOp } from "./registry.js";
import { tensorNumbers } from "./sym-tensor.js";
import { versionAt, type AttrDefault, type OpVersion } from "./schema.js";

function versionOf(node: Node, opset: number): OpVersion {
  const def = lookupOp(node.opType, node.domain);
  if (!def) throw new Error(`${node.describe()}: op ${node.opType} is not in quanta's op registry`);
  return versionAt(def, opset);
}

/**
 * An ints argument (axes, split, pads, starts, ...) of `node` under `opset`: from the attribute
 * when that opset has one (or its default), else from a constant input (initializer or Constant).
 */
export function readIntsArgument(node: Node, name: string, opset: number, graph: Graph | null = node.graph): IntsArgument {
  const numbersOf = (v: Value): number[] | undefined => {
    const t = graph?.constantValue(v);
    return t ? tensorNumbers(t) : undefined;
  };
  return readArgument(versionOf(node, opset), node, name, numbersOf);
}

/** Shorthand for the most common case: a node's `axes`. */
export function readAxes(node: Node, opset: number, graph: Graph | null = node.graph): IntsArgument {
  return readIntsArgument(node, "axes", opset, graph);
}

/** An attribute's value, or the default the op uses when it is absent (undefined when none). */
export function attributeOrDefault(node: Node, name: string, opset: number): AttrDefault | undefined {
  const spec = versionOf(node, opset).attributes[name];
  if (!spec) throw new Error(`${node.opType} at opset ${opset} has no attribute "${name}"`);
  const a = node.getAttribute(name);
  switch (a?.type) {
    case "int":
    case "float":
    case "string":
    case "ints":
    case "floats":
      return a.value;
  }
  return spec.default;
}
