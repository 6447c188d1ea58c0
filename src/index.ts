// quanta's public API: the IR and its file I/O, passes, the runtime adapter, datasets,
// evaluation and the reference-model zoo.

export * from "./ir/index.js";
export { GraphBuilder, createModel, renameValue } from "./ir/builder.js";
export { copyNodeInto } from "./ir/clone.js";
export { QuantaError } from "./errors.js";

export { definePass, sequential, fixpoint, runPasses, type Pass, type PassResult, type PassRecord, type PassContext } from "./passes/pass.js";
export { removeUnused, removeOutputs } from "./passes/remove-unused.js";
export { topologicalSort } from "./passes/topological-sort.js";
export { liftConstants } from "./passes/lift-constants.js";
export { foldConstants, type FoldOptions } from "./passes/fold-constants.js";

export type { Runtime, RuntimeSession, SessionOptions, OptimizationLevel } from "./runtime/runtime.js";
export { ortRuntime } from "./runtime/runtime.js";
export { nodeRuntime } from "./runtime/node.js";
export { webRuntime } from "./runtime/web.js";
export { openSession } from "./runtime/session.js";
export type { HostTensor, HostType, HostData } from "./runtime/host-tensor.js";
export { allocHost, stackHost } from "./runtime/host-tensor.js";

export * from "./data/index.js";

export { inspectModel, type InspectReport } from "./inspect/inspect.js";
export { measureLatency, type LatencyReport, type LatencyOptions } from "./evaluate/latency.js";
export { evaluateAccuracy, type AccuracyReport, type AccuracyOptions } from "./evaluate/accuracy.js";
export { planInputs, randomFeeds } from "./evaluate/random-inputs.js";

export * from "./zoo/index.js";

export { inferShapes, inferModelShapes, inferShapesFromRuntime } from "./passes/infer-shapes.js";
export { upgradeOpset, type UpgradeResult } from "./passes/upgrade-opset.js";
export { fuse, fusionRules, type FuseOptions } from "./passes/fusion/fuse.js";
export { applyRules, rulePass, formatRuleReports, type RewriteRule, type RuleReport } from "./passes/fusion/rule.js";
export { layerNormResidualSum } from "./passes/fusion/layernorm-residual-sum.js";

export { qparamsFromRange, quantizeValues, dequantizeValues, quantizeWeights, quantizeBias, roundHalfEven, type QParams } from "./quant/math.js";
export { QTYPES, qtypeInfo, type QType } from "./quant/qtype.js";
export { staticConfig, type StaticQuantConfig, type QuantFormat } from "./quant/config.js";
export { dynamicConfig, CONV_STRATEGIES, type DynamicQuantConfig, type ConvStrategy } from "./quant/dynamic-config.js";
export { quantizeDynamic, type DynamicReport, type DynamicQuantReport } from "./quant/dynamic.js";
export { quantizeTables, type TableOptions } from "./quant/quantize-tables.js";
export { preparePipeline, staticPipeline, dynamicPipeline, dynamicSteps, type PrepareOptions } from "./quant/pipelines.js";
export { quantizeStatic, prepareFloat, type StaticQuantReport, type StaticQuantOptions } from "./quant/static.js";
export { planStatic, type QuantPlan } from "./quant/plan.js";
export { calibrate, type CalibrationOptions, type CalibrationResult } from "./quant/calibrate.js";
export { convertQdqToQop } from "./quant/qdq-to-qop.js";
export { QUANT_RULES, QUANTIZABLE_OPS } from "./quant/rules/index.js";
export * from "./calib/index.js";
export { convertModelToFloat16, convertToFloat16, fp16RuleFor, type Float16Options, type Float16Stats } from "./fp16/index.js";
export { compareModels, type CompareReport, type CompareOptions } from "./verify/compare.js";
export { randomDataset } from "./data/random-dataset.js";
