// Turns Constant nodes into initializers, so weights exported as Constant nodes (PaddleOCR,
// some PyTorch exports) look exactly like initializers to every later pass.

import { definePass } from "./pass.js";
import { constantNodeTensor, type Graph } from "../ir/graph.js";

export function liftConstantsIn(g: Graph): boolean {
  let changed = false;
  for (const n of [...g.nodes]) {
    for (const sub of n.subgraphs()) changed = liftConstantsIn(sub) || changed;
    if (n.opType !== "Constant" || n.domain !== "") continue;
    const t = constantNodeTensor(n);
    if (!t) continue; // sparse or string-list constants stay as they are
    const out = n.output(0);
    const name = out.name;
    g.removeNode(n, true);
    g.names.release(name);
    const init = g.addInitializer(name, t);
    out.replaceAllUsesWith(init); // also rewires a graph-output slot
    changed = true;
  }
  return changed;
}

export const liftConstants = definePass("lift-constants", (model) => ({ model, modified: liftConstantsIn(model.graph) }));
