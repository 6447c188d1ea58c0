// Refuses a dynamic result whose opset lacks the ops quantization added (see checkDynamicOpset).

import { definePass, type Pass } from "../../passes/pass.js";
import { checkDynamicOpset, type DynamicReport } from "../dynamic-weights.js";

export function checkDynamicOpsetPass(report: DynamicReport): Pass {
  return definePass("check-dynamic-opset", (model) => {
    checkDynamicOpset(model, report);
    return { model, modified: false };
  });
}
