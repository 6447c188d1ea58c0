// Decides what static quantization quantizes (see plan.ts); changes nothing in the model. The
// configuration is settled here, against the prepared model's opset.

import { definePass, type Pass } from "../../passes/pass.js";
import { QuantaError } from "../../errors.js";
import { planStatic } from "../plan.js";
import { quantRule } from "../rules/index.js";
import type { StaticQuantState } from "./static-state.js";

export function planStaticPass(state: StaticQuantState): Pass {
  return definePass("plan-static", (model) => {
    if (model.opset < 10) throw new QuantaError(`the model uses opset ${model.opset}; QuantizeLinear needs opset 10 or later and the upgrade failed: ${state.upgrade?.reason}`);
    const config = state.config;
    if (model.opset < 13 && (config.perChannel || config.perChannelMatMul)) {
      state.warnings.push(`per-channel weights need opset 13 and the model stays at opset ${model.opset} (${state.upgrade?.reason}); using per-tensor weights`);
      state.config = { ...config, perChannel: false, perChannelMatMul: false };
    }
    state.plan = planStatic(model, state.config);
    const nested = [...model.graph.allNodes()].filter((n) => n.graph !== model.graph && quantRule(n) && n.domain === "");
    for (const n of nested) state.leftInSubgraphs[n.opType] = (state.leftInSubgraphs[n.opType] ?? 0) + 1;
    if (nested.length) {
      state.warnings.push(
        `${nested.length} quantizable op(s) inside If/Loop/Scan bodies stay float (${Object.entries(state.leftInSubgraphs).map(([k, v]) => `${v} ${k}`).join(", ")}): ` +
          "static calibration does not run inside subgraphs, whose activations only exist while a branch runs; `quanta dynamic` quantizes their weights",
      );
    }
    return { model, modified: false };
  });
}
