// Removes nodes whose outputs nobody reads, initializers nobody reads, and (optionally) graph
// outputs the caller names. Nodes with side effects do not exist in ONNX inference graphs.

import { definePass, type Pass } from "./pass.js";
import type { Graph } from "../ir/graph.js";

export function removeUnusedIn(g: Graph): boolean {
  let changed = false;
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    for (const sub of n.subgraphs()) changed = removeUnusedIn(sub) || changed;
    if (n.outputs.every((v) => v.uses.length === 0 && !v.isGraphOutput)) {
      g.removeNode(n);
      changed = true;
    }
  }
  for (const v of [...g.initializers.values()]) {
    if (v.uses.length === 0 && !v.isGraphOutput && !v.isGraphInput) {
      g.removeInitializer(v);
      changed = true;
    }
  }
  return changed;
}

export const removeUnused = definePass("remove-unused", (model) => ({ model, modified: removeUnusedIn(model.graph) }));

/** Drops the named graph outputs, then everything only they needed. */
export function removeOutputs(names: readonly string[]): Pass {
  return definePass("remove-outputs", (model) => {
    const g = model.graph;
    const missing = names.filter((n) => !g.outputs.some((v) => v.name === n));
    if (missing.length) throw new Error(`no graph output named ${missing.join(", ")}`);
    for (let i = g.outputs.length - 1; i >= 0; i--) if (names.includes(g.outputs[i]!.name)) g.outputs.splice(i, 1);
    removeUnusedIn(g);
    return { model, modified: names.length > 0 };
  });
}
