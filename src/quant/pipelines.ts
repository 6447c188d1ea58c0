// The named pipelines, in one place: what `fuse`, `static` and `dynamic` run, step by step. Every
// step is a pass, so each run's report lists each step (name, modified, nodes added/removed,
// time); cleanup (remove-unused) is a step of its own wherever a step leaves values unread.

import { sequential, type Pass } from "../passes/pass.js";
import { topologicalSort } from "../passes/topological-sort.js";
import { liftConstants } from "../passes/lift-constants.js";
import { foldConstants } from "../passes/fold-constants.js";
import { removeUnused } from "../passes/remove-unused.js";
import { inferShapes } from "../passes/infer-shapes.js";
import { upgradeOpsetPass, type UpgradeResult } from "../passes/upgrade-opset.js";
import { fuse, type FuseOptions } from "../passes/fusion/fuse.js";
import { rulePass, type RuleReport } from "../passes/fusion/rule.js";
import { layerNormResidualSumRule } from "../passes/fusion/layernorm-residual-sum.js";
import type { Dataset } from "../data/dataset.js";
import type { CalibrationOptions } from "./calibrate.js";
import type { DynamicQuantConfig } from "./dynamic-config.js";
import { dynamicTablesWanted, type DynamicReport } from "./dynamic-weights.js";
import { targetInfo } from "./target.js";
import type { StaticQuantState } from "./passes/static-state.js";
import { planStaticPass } from "./passes/plan-static.js";
import { calibratePass } from "./passes/calibrate.js";
import { insertQdqPass } from "./passes/insert-qdq.js";
import { quantizeTablesPass } from "./passes/quantize-tables.js";
import { qdqToQopPass } from "./passes/qdq-to-qop.js";
import { quantizeWeightsPass } from "./passes/quantize-weights.js";
import { checkDynamicOpsetPass } from "./passes/check-dynamic-opset.js";
import { insertFakeQuantPass, type FakeQuantReport } from "./passes/insert-fake-quant.js";
import { presetParamsPass } from "./passes/preset-params.js";
import type { QParams } from "./math.js";

/** The opset quantization raises models to: QuantizeLinear needs 10, per-channel DequantizeLinear 13. */
export const QUANT_OPSET = 13;

export interface PrepareOptions {
  /** Fusion options (`fuse --activations`) and where the rule reports go. */
  fusion?: FuseOptions;
  /**
   * For quantization: raise the opset to QUANT_OPSET (before fusion, whose rewrites are
   * opset-aware) and infer the shapes of the fused graph, which planning reads. `fuse` writes
   * its result without either: the opset stays, and value_info covers what it covered.
   */
  forQuantization?: { onUpgrade?: (r: UpgradeResult) => void };
}

/**
 * Float preparation, defined once: sorted first (files need not list nodes in order, and planning
 * walks them front to back), constants lifted and folded, BatchNorm folded into weights before
 * those are quantized.
 */
export function preparePipeline(o: PrepareOptions = {}): Pass {
  const q = o.forQuantization;
  return sequential("prepare", [
    topologicalSort,
    liftConstants,
    foldConstants(),
    // `fuse` drops dead nodes before inferring shapes; quantization has always left them to the
    // cleanup after fusion (kept: unifying would change names in models with dead initializers).
    ...(q ? [] : [removeUnused]),
    inferShapes,
    ...(q ? [upgradeOpsetPass(QUANT_OPSET, q.onUpgrade)] : []),
    fuse(o.fusion),
    removeUnused,
    ...(q ? [inferShapes] : []),
  ]);
}

export interface StaticPipelineOptions {
  data: Dataset;
  calibration: CalibrationOptions;
}

/** Post-training static quantization: prepare, plan, calibrate, Q/DQ, embedding tables, QOperator form when asked. */
export function staticPipeline(state: StaticQuantState, o: StaticPipelineOptions): Pass {
  const c = state.config;
  // Embedding tables: int8 storage, dequantized after the lookup (Gather is not a QDQ group).
  const tables = !c.exclude.includes("Gather") && (!c.ops || c.ops.includes("Gather"));
  return sequential("static", [
    preparePipeline({ fusion: { onReport: (r) => state.fusion.push(...r) }, forQuantization: { onUpgrade: (u) => (state.upgrade = u) } }),
    planStaticPass(state),
    calibratePass(state, o.data, o.calibration),
    insertQdqPass(state),
    removeUnused,
    ...(tables ? [quantizeTablesPass({ qtype: "int8" }, (r) => (state.materialized!.tables = r.tables)), removeUnused] : []),
    ...(c.format === "qop" ? [qdqToQopPass(state), removeUnused] : []),
  ]);
}

/**
 * Quantization-aware training's graph, on a prepared model: the static plan and calibration,
 * then fake quantization where static would put integers (insert-fake-quant.ts). Sorted last:
 * the weight scale computations are appended.
 */
export function fakeQuantPipeline(state: StaticQuantState, o: StaticPipelineOptions & { onReport: (r: FakeQuantReport) => void }): Pass {
  return sequential("fake-quant", [planStaticPass(state), calibratePass(state, o.data, o.calibration), insertFakeQuantPass(state, o.onReport), removeUnused, topologicalSort]);
}

/**
 * QAT export, on the prepared model holding the fine-tuned weights: the static steps after
 * calibration, with the activation parameters training used (by tensor name), or a fresh
 * calibration of the fine-tuned model when `recalibrate` is given.
 */
export function qatExportPipeline(state: StaticQuantState, o: { activations: ReadonlyMap<string, QParams>; recalibrate?: StaticPipelineOptions }): Pass {
  const c = state.config;
  const tables = !c.exclude.includes("Gather") && (!c.ops || c.ops.includes("Gather"));
  return sequential("qat-export", [
    planStaticPass(state),
    o.recalibrate ? calibratePass(state, o.recalibrate.data, o.recalibrate.calibration) : presetParamsPass(state, o.activations),
    insertQdqPass(state),
    removeUnused,
    ...(tables ? [quantizeTablesPass({ qtype: "int8" }, (r) => (state.materialized!.tables = r.tables)), removeUnused] : []),
    ...(c.format === "qop" ? [qdqToQopPass(state), removeUnused] : []),
  ]);
}

/** The quantizing steps of dynamic quantization, on a prepared model. */
export function dynamicSteps(config: DynamicQuantConfig, report: DynamicReport): Pass {
  const steps: Pass[] = [quantizeWeightsPass(config, report)];
  if (dynamicTablesWanted(config)) {
    steps.push(
      quantizeTablesPass({ qtype: config.weightType, minElements: config.minElements, subgraphs: true }, (r) => {
        report.tables = r.tables;
        report.inSubgraphs += r.inSubgraphs;
      }),
    );
  }
  steps.push(checkDynamicOpsetPass(report));
  // Native targets: an Add feeding a LayerNormalization written as Sum keeps ONNX Runtime off
  // its slow SkipLayerNormalization kernel (layernorm-residual-sum.ts).
  if (!targetInfo(config.target).skipLayerNorm) {
    steps.push(rulePass(layerNormResidualSumRule.name, [layerNormResidualSumRule], { onReport: (r: readonly RuleReport[]) => (report.residualSums = r[0]!.applied) }));
  }
  steps.push(removeUnused);
  return sequential("dynamic", steps);
}

/** Dynamic quantization from the float model: prepare, then the dynamic steps. */
export function dynamicPipeline(config: DynamicQuantConfig, report: DynamicReport, o: { onFusion?: (r: readonly RuleReport[]) => void } = {}): Pass {
  return sequential("dynamic", [preparePipeline({ fusion: { onReport: o.onFusion }, forQuantization: {} }), dynamicSteps(config, report)]);
}
