// Dynamic quantization of MatMul/Gemm/Conv weights (see dynamic.ts), counted into the report; the
// float weights are left for the remove-unused step.

import { definePass, type Pass } from "../../passes/pass.js";
import { quantizeDynamicWeights, type DynamicReport } from "../dynamic-weights.js";
import type { DynamicQuantConfig } from "../dynamic-config.js";

export function quantizeWeightsPass(config: DynamicQuantConfig, report: DynamicReport): Pass {
  return definePass("quantize-weights", (model) => {
    const before = report.matmuls + report.gemms + report.convs;
    quantizeDynamicWeights(model, config, report);
    return { model, modified: report.matmuls + report.gemms + report.convs > before };
  });
}
