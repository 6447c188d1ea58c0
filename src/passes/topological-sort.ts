// Orders nodes so every value is produced before it is read (also reads inside subgraphs),
// keeping the existing order wherever it is already valid.

import { definePass } from "./pass.js";
import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import type { Model } from "../ir/model.js";
import { QuantaError } from "../errors.js";

export function sortGraph(g: Graph): boolean {
  const nodes = g.nodes;
  const position = new Map<Node, number>(nodes.map((n, i) => [n, i]));
  const deps = new Map<Node, Node[]>();
  for (const n of nodes) {
    const ds: Node[] = [];
    for (const v of [...n.inputs, ...n.implicitInputs()]) {
      const p = v?.producer;
      if (p && position.has(p)) ds.push(p);
    }
    deps.set(n, ds);
  }
  const out: Node[] = [];
  const state = new Map<Node, 1 | 2>();
  // Iterative DFS in original order: stable for already-sorted graphs.
  for (const root of nodes) {
    if (state.get(root) === 2) continue;
    const stack: [Node, number][] = [[root, 0]];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const ds = deps.get(top[0])!;
      if (top[1] < ds.length) {
        const d = ds[top[1]++]!;
        const s = state.get(d);
        if (s === 1) throw new QuantaError(`the graph has a cycle through ${d.describe()}`);
        if (s !== 2) (state.set(d, 1), stack.push([d, 0]));
      } else {
        state.set(top[0], 2);
        out.push(top[0]);
        stack.pop();
      }
    }
  }
  let changed = false;
  out.forEach((n, i) => {
    if (nodes[i] !== n) changed = true;
    nodes[i] = n;
  });
  for (const n of nodes) for (const sub of n.subgraphs()) changed = sortGraph(sub) || changed;
  return changed;
}

export const topologicalSort = definePass("topological-sort", (model: Model) => ({ model, modified: sortGraph(model.graph) }));
