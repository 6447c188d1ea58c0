// Removes Identity and inference-mode Dropout: they copy their input, and left in place they hide
// patterns such as Conv → Identity → BatchNormalization from the folds that follow.

import { defineRule, fail, OK, rulePass, type RulePassOptions } from "./rule.js";
import type { Node } from "../../ir/node.js";
import type { Pass } from "../pass.js";
import { renameValue } from "../../ir/builder.js";
import { dropIfUnused } from "./graph-edit.js";

export const removeIdentityRule = defineRule<Node>({
  name: "remove-identity",
  match(node) {
    if (node.domain !== "" && node.domain !== "ai.onnx") return null;
    return node.opType === "Identity" || node.opType === "Dropout" ? node : null;
  },
  check(node, { graph, model }) {
    const input = node.input(0);
    const out = node.output(0);
    if (!input) return fail("it has no input");
    if (node.opType === "Dropout") {
      const mask = node.outputs[1];
      if (mask && (mask.uses.length || mask.isGraphOutput)) return fail(`its mask output "${mask.name}" is used`);
      // Dropout-1/6 drop at run time unless is_test=1; from opset 12 a training_mode input decides.
      if (model.opset < 7 && node.getInt("is_test", 0) === 0) return fail("it is in training mode (is_test=0)");
      const training = node.input(2);
      if (training) {
        const t = graph.constantValue(training);
        if (!t || training.isGraphInput) return fail(`its training_mode input "${training.name}" is not a constant`);
        if (t.toFloat64()[0] !== 0) return fail("it is in training mode (training_mode=true)");
      }
    }
    // Merging keeps the output's name by renaming the input; a graph input, an initializer or
    // another graph output cannot be renamed without changing the model's interface.
    if (out.isGraphOutput && (input.producer === null || input.producer.graph !== graph || input.isGraphOutput)) {
      return fail(`it connects "${input.name}" directly to graph output "${out.name}"; both names must stay`);
    }
    return OK;
  },
  rewrite(node, { graph }) {
    const input = node.input(0)!;
    const out = node.output(0);
    const extras = node.inputs.slice(1); // Dropout's ratio and training_mode
    const wasGraphOutput = out.isGraphOutput;
    graph.removeNode(node, true);
    out.replaceAllUsesWith(input);
    if (wasGraphOutput) {
      // input now fills the graph-output slot and must carry its name.
      input.type = input.type ?? out.type;
      const name = out.name;
      graph.names.release(name);
      renameValue(input, name);
    }
    for (const v of extras) dropIfUnused(graph, v);
  },
});

export function removeIdentity(opts: RulePassOptions = {}): Pass {
  return rulePass("remove-identity", [removeIdentityRule], opts);
}
