// Writes the plan into the model as QDQ (see materialize-qdq.ts); what it replaced is left for
// the remove-unused step that follows it in the pipeline.

import { definePass, type Pass } from "../../passes/pass.js";
import { materializeQdq } from "../materialize-qdq.js";
import { required, type StaticQuantState } from "./static-state.js";

export function insertQdqPass(state: StaticQuantState): Pass {
  return definePass("insert-qdq", (model) => {
    const plan = required(state.plan, "plan", "insert-qdq");
    const params = required(state.params, "calibrated parameters", "insert-qdq");
    state.materialized = materializeQdq(model, plan, params, state.config);
    return { model, modified: plan.tensors.size + plan.weights.size + plan.fusedActivations.length > 0 };
  });
}
