// Dynamic quantization, end to end on the IR: the dynamic pipeline (pipelines.ts) run as passes.

import type { Model } from "../ir/model.js";
import { runPasses, type PassRecord } from "../passes/pass.js";
import { checkRequiredInputs } from "../ops/required-inputs.js";
import type { DynamicQuantConfig } from "./dynamic-config.js";
import { emptyDynamicReport, type DynamicReport } from "./dynamic-weights.js";
import { dynamicPipeline, dynamicSteps } from "./pipelines.js";

export type { DynamicReport } from "./dynamic-weights.js";

export interface DynamicQuantReport extends DynamicReport {
  /** Every step that ran, in order (name, modified, nodes added/removed, time). */
  passes: PassRecord[];
}

/**
 * Quantizes `model` in place. With `prepare`, the float preparation (folding, fusion, opset
 * upgrade) runs first, as `quanta dynamic` does; without, the model is taken as prepared.
 */
export async function quantizeDynamic(model: Model, config: DynamicQuantConfig, o: { prepare?: boolean } = {}): Promise<DynamicQuantReport> {
  const report = emptyDynamicReport();
  if (o.prepare) checkRequiredInputs(model);
  const { records } = await runPasses(model, o.prepare ? dynamicPipeline(config, report) : dynamicSteps(config, report));
  return { ...report, passes: records };
}
