// Reverse-mode automatic differentiation emitted as standard ONNX ops: the backward pass is part
// of the same graph, so plain ONNX Runtime (node or web) runs forward and backward together.

export { buildGradientGraph, MIN_GRADIENT_OPSET, type GradientGraph, type GradientGraphOptions } from "./gradient-graph.js";
export { differentiate, type DifferentiateContext } from "./walker.js";
export { toTrainingMode, type TrainingModel, type RunningStatistic } from "./training-mode.js";
export { addSoftmaxCrossEntropy, addMse, type LossOptions } from "./losses.js";
export { Emitter } from "./emitter.js";
export { unbroadcast } from "./unbroadcast.js";
export type { GradRule, GradContext, InputGrads } from "./rule.js";
export { GRADIENT_RULES, RULE_LIST, ruleMap } from "./rules/index.js";
