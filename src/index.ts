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
