// Copies nodes between graphs (e.g. into a throwaway model to execute part of a graph).

import type { Graph } from "./graph.js";
import { Node } from "./node.js";
import type { Value } from "./value.js";

/**
 * Copies `node` into `target`, mapping inputs through `map` (filled with the copies' outputs).
 * Nodes with subgraphs are not copied: their bodies would need scope remapping.
 */
export function copyNodeInto(target: Graph, node: Node, map: Map<Value, Value>): Node {
  if (node.subgraphs().length) throw new Error(`cannot copy ${node.describe()}: it has subgraphs`);
  const copy = new Node(node.opType, node.domain, node.name);
  for (const [k, a] of node.attributes) copy.setAttribute(k, a);
  node.inputs.forEach((v, i) => {
    if (!v) return copy.setInput(i, null);
    const m = map.get(v);
    if (!m) throw new Error(`cannot copy ${node.describe()}: input "${v.name}" has no counterpart`);
    copy.setInput(i, m);
  });
  for (const o of node.outputs) {
    const v = target.createValue(o.name, o.type);
    copy.attachOutput(v);
    map.set(o, v);
  }
  target.insertNode(copy);
  return copy;
}
