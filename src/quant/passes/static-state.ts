// What the static quantization passes hand one another: each pass reads the slots earlier passes
// filled (the plan, the calibrated parameters) and fills its own. Built per run by the pipeline,
// so nothing about a run lives in module state.

import type { Value } from "../../ir/value.js";
import type { RuleReport } from "../../passes/fusion/rule.js";
import type { UpgradeResult } from "../../passes/upgrade-opset.js";
import type { StaticQuantConfig } from "../config.js";
import type { QParams } from "../math.js";
import type { QuantPlan } from "../plan.js";
import type { MaterializeStats } from "../materialize-qdq.js";
import type { QopReport } from "../qdq-to-qop.js";

export interface CalibrationSummary {
  observer: string;
  samples: number;
  runs: number;
  ms: number;
  tensors: number;
}

export interface StaticQuantState {
  /** The configuration asked for; plan-static may narrow it (per-tensor weights below opset 13). */
  config: StaticQuantConfig;
  warnings: string[];
  fusion: RuleReport[];
  upgrade?: UpgradeResult;
  plan?: QuantPlan;
  /** Quantizable ops inside If/Loop/Scan bodies, by type: static quantization leaves them float. */
  leftInSubgraphs: Record<string, number>;
  params?: ReadonlyMap<Value, QParams>;
  calibration?: CalibrationSummary;
  materialized?: MaterializeStats;
  qop?: QopReport;
}

export function staticState(config: StaticQuantConfig): StaticQuantState {
  return { config, warnings: [], fusion: [], leftInSubgraphs: {} };
}

/** A slot an earlier pass must have filled: a pipeline listing passes out of order fails by name. */
export function required<T>(value: T | undefined, slot: string, pass: string): T {
  if (value === undefined) throw new Error(`${pass}: no ${slot} yet (run the pass that produces it first)`);
  return value;
}
