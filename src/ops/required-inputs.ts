// A node of a known op that lacks an input every version of the op requires (its name left
// empty, or too few names) is a damaged model. Passes read such inputs as present (a MatMul's A,
// an Identity's input); this check runs first, so the answer is one line naming the node.

import type { Model } from "../ir/model.js";
import { QuantaError, quoteName } from "../errors.js";
import { lookupOp } from "./registry.js";

export function checkRequiredInputs(model: Model): void {
  for (const n of model.graph.allNodes()) {
    const def = lookupOp(n.opType, n.domain);
    if (!def) continue;
    // Only what every listed version requires: an input optional in some version is left to ORT.
    const fewest = Math.min(...def.versions.map((v) => v.inputs.findIndex((a) => a.optional || a.variadic)).map((i, k) => (i < 0 ? def.versions[k]!.inputs.length : i)));
    for (let i = 0; i < fewest; i++) {
      if (n.input(i)) continue;
      const names = [...new Set(def.versions.map((v) => v.inputs[i]?.name).filter(Boolean))].join("/");
      const node = quoteName(n.name || n.outputs[0]?.name || "?", 40);
      throw new QuantaError(`invalid model: ${n.opType} node ${node} has no input ${i} (${names}), which ${n.opType} requires; the model is damaged, re-export it`);
    }
  }
}
