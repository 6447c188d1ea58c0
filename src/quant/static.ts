// Post-training static quantization, end to end on the IR: fold and fuse, plan, calibrate on a
// representative dataset, compute parameters, build QDQ (and optionally QOperator) form.

import type { Model } from "../ir/model.js";
import type { Value } from "../ir/value.js";
import type { Dataset } from "../data/dataset.js";
import { definePass, runPasses, sequential, type PassRecord } from "../passes/pass.js";
import { upgradeOpset, type UpgradeResult } from "../passes/upgrade-opset.js";
import { QuantaError } from "../errors.js";
import { liftConstants } from "../passes/lift-constants.js";
import { foldConstants } from "../passes/fold-constants.js";
import { removeUnused, removeUnusedIn } from "../passes/remove-unused.js";
import { inferShapes } from "../passes/infer-shapes.js";
import { topologicalSort } from "../passes/topological-sort.js";
import { checkRequiredInputs } from "../ops/required-inputs.js";
import { fuse } from "../passes/fusion/fuse.js";
import type { RuleReport } from "../passes/fusion/rule.js";
import { planStatic, type QuantPlan } from "./plan.js";
import { calibrate, type CalibrationOptions } from "./calibrate.js";
import { activationParams } from "./params.js";
import { materializeQdq, type MaterializeStats } from "./materialize-qdq.js";
import { convertQdqToQop, type QopReport } from "./qdq-to-qop.js";
import { quantizeTables } from "./dynamic.js";
import { quantRule } from "./rules/index.js";
import type { StaticQuantConfig } from "./config.js";
import type { Runtime } from "../runtime/runtime.js";

export interface StaticQuantOptions {
  config: StaticQuantConfig;
  calibration: Omit<CalibrationOptions, "symmetric" | "runtime">;
  runtime?: Runtime;
}

export interface StaticQuantReport {
  passes: PassRecord[];
  fusion: RuleReport[];
  quantizedNodes: Record<string, number>;
  skipped: QuantPlan["skipped"];
  calibration: { observer: string; samples: number; runs: number; ms: number; tensors: number };
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
  let fusion: RuleReport[] = [];
  let upgrade: UpgradeResult = { from: model.opset, to: model.opset, upgraded: false, rewritten: 0 };
  const upgradePass = definePass("upgrade-opset", (m) => {
    upgrade = upgradeOpset(m, 13);
    return { model: m, modified: upgrade.upgraded };
  });
  const { records } = await runPasses(
    model,
    // Sorted first: files need not list nodes in order, and planning walks them front to back.
    sequential("prepare", [topologicalSort, liftConstants, foldConstants(), inferShapes, upgradePass, fuse({ onReport: (r) => (fusion = [...fusion, ...r]) }), removeUnused, inferShapes]),
  );
  return { records, fusion, upgrade };
}

export async function quantizeStatic(model: Model, data: Dataset, opts: StaticQuantOptions): Promise<StaticQuantReport> {
  const { records, fusion, upgrade } = await prepareFloat(model);
  if (model.opset < 10) throw new QuantaError(`the model uses opset ${model.opset}; QuantizeLinear needs opset 10 or later and the upgrade failed: ${upgrade.reason}`);
  const warnings: string[] = [];
  let config = opts.config;
  if (model.opset < 13 && (config.perChannel || config.perChannelMatMul)) {
    warnings.push(`per-channel weights need opset 13 and the model stays at opset ${model.opset} (${upgrade.reason}); using per-tensor weights`);
    config = { ...config, perChannel: false, perChannelMatMul: false };
  }
  const plan = planStatic(model, config);
  const nested = [...model.graph.allNodes()].filter((n) => n.graph !== model.graph && quantRule(n) && n.domain === "");
  const leftInSubgraphs: Record<string, number> = {};
  for (const n of nested) leftInSubgraphs[n.opType] = (leftInSubgraphs[n.opType] ?? 0) + 1;
  if (nested.length) {
    warnings.push(
      `${nested.length} quantizable op(s) inside If/Loop/Scan bodies stay float (${Object.entries(leftInSubgraphs).map(([k, v]) => `${v} ${k}`).join(", ")}): ` +
        "static calibration does not run inside subgraphs, whose activations only exist while a branch runs; `quanta dynamic` quantizes their weights",
    );
  }
  const observed = [...new Set([...plan.tensors.values()].filter((t) => !t.shareWith).map((t) => t.rangeOf))];
  const cal = await calibrate(model, observed, data, { ...opts.calibration, symmetric: opts.config.symmetricActivations, runtime: opts.runtime });
  const params = activationParams(plan, cal.ranges as ReadonlyMap<Value, { min: number; max: number }>, config);
  const quantizedNodes: Record<string, number> = {};
  for (const n of plan.quantizedNodes) quantizedNodes[n.opType] = (quantizedNodes[n.opType] ?? 0) + 1;
  const materialized = materializeQdq(model, plan, params, config);
  removeUnusedIn(model.graph);
  // Embedding tables: int8 storage, dequantized after the lookup (Gather is not a QDQ group).
  if (!config.exclude.includes("Gather") && (!config.ops || config.ops.includes("Gather"))) materialized.tables = quantizeTables(model, "int8");
  const report: StaticQuantReport = {
    passes: records,
    fusion,
    quantizedNodes,
    skipped: plan.skipped,
    calibration: { observer: opts.calibration.observer, samples: cal.samples, runs: cal.runs, ms: cal.ms, tensors: observed.length },
    materialized,
    upgrade,
    warnings,
    leftInSubgraphs,
  };
  if (config.format === "qop") report.qop = convertQdqToQop(model);
  return report;
}
