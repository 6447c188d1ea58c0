// Optimizers emitted as ONNX nodes after the backward pass.

export type { OptimizerSpec, SgdSpec, AdamWSpec, GraphOptimizer, Hyper, ParamUpdate } from "./optimizer.js";
export { sgd } from "./sgd.js";
export { adamw } from "./adamw.js";
export { clipByGlobalNorm, type ClippedGradients } from "./clip.js";
export { appendOptimizer, createOptimizer, type ParamGrad, type StateValue, type AppendedOptimizer } from "./append.js";
