// Post-training static quantization, end to end on the IR: the static pipeline (pipelines.ts) run
// as passes, and its report assembled from what the passes recorded.

import type { Model } from "../ir/model.js";
import type { Dataset } from "../data/dataset.js";
import { runPasses, type PassRecord } from "../passes/pass.js";
import type { UpgradeResult } from "../passes/upgrade-opset.js";
import { checkRequiredInputs } from "../ops/required-inputs.js";
import type { RuleReport } from "../passes/fusion/rule.js";
import type { QuantPlan } from "./plan.js";
import type { CalibrationOptions } from "./calibrate.js";
import type { MaterializeStats } from "./materialize-qdq.js";
import type { QopReport } from "./qdq-to-qop.js";
import type { StaticQuantConfig } from "./config.js";
import type { Runtime } from "../runtime/runtime.js";
import { preparePipeline, staticPipeline } from "./pipelines.js";
import { required, staticState, type CalibrationSummary } from "./passes/static-state.js";

export interface StaticQuantOptions {
  config: StaticQuantConfig;
  calibration: Omit<CalibrationOptions, "symmetric" | "runtime">;
  runtime?: Runtime;
}

export interface StaticQuantReport {
  /** Every step that ran, in order (name, modified, nodes added/removed, time). */
  passes: PassRecord[];
  fusion: RuleReport[];
  quantizedNodes: Record<string, number>;
  skipped: QuantPlan["skipped"];
  calibration: CalibrationSummary;
  materialized: MaterializeStats;
  upgrade: UpgradeResult;
  warnings: string[];
  /** Quantizable ops inside If/Loop/Scan bodies, by type: static quantization leaves them float. */
  leftInSubgraphs: Record<string, number>;
  qop?: QopReport;
}

/** Folds, fuses and cleans the float model in place (BatchNorm folded before weights are quantized). */
export async function prepareFloat(model: Model): Promise<{ records: PassRecord[]; fusion: RuleReport[]; upgrade: UpgradeResult }> {
  checkRequiredInputs(model);
  const fusion: RuleReport[] = [];
  let upgrade: UpgradeResult = { from: model.opset, to: model.opset, upgraded: false, rewritten: 0 };
  const { records } = await runPasses(model, preparePipeline({ fusion: { onReport: (r) => fusion.push(...r) }, forQuantization: { onUpgrade: (u) => (upgrade = u) } }));
  return { records, fusion, upgrade };
}

export async function quantizeStatic(model: Model, data: Dataset, opts: StaticQuantOptions): Promise<StaticQuantReport> {
  checkRequiredInputs(model);
  const state = staticState(opts.config);
  const calibration: CalibrationOptions = { ...opts.calibration, symmetric: opts.config.symmetricActivations, runtime: opts.runtime };
  const { records } = await runPasses(model, staticPipeline(state, { data, calibration }));
  const plan = required(state.plan, "plan", "static");
  const quantizedNodes: Record<string, number> = {};
  for (const n of plan.quantizedNodes) quantizedNodes[n.opType] = (quantizedNodes[n.opType] ?? 0) + 1;
  return {
    passes: records,
    fusion: state.fusion,
    quantizedNodes,
    skipped: plan.skipped,
    calibration: required(state.calibration, "calibration", "static"),
    materialized: required(state.materialized, "materialized", "static"),
    upgrade: required(state.upgrade, "upgrade", "static"),
    warnings: state.warnings,
    leftInSubgraphs: state.leftInSubgraphs,
    ...(state.qop ? { qop: state.qop } : {}),
  };
}
