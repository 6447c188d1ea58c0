// Per-op knowledge: the registry, argument readers, and the shape inference engine.

export { A, defineOp, versionAt, inputIndex } from "./schema.js";
export type { OpDef, OpVersion, AttrSpec, AttrType, AttrDefault, ArgSpec, ShapeRule, VersionSpec, OpSpec } from "./schema.js";
export { lookupOp, registeredOps, opsetFor, canonicalDomain } from "./registry.js";
export { readIntsArgument, readAxes, attributeOrDefault } from "./read-argument.js";
export { readArgument, type IntsArgument } from "./argument.js";
export { InferContext, type ValueFacts, type OutputFacts, type FactSource } from "./infer-context.js";
export { inferGraphShapes, type GraphShapeReport, type ShapeIssue } from "./infer-graph.js";
export { broadcastDim, broadcastShapes } from "./broadcast.js";
export { mulDims, divDims, addDims, subDims, productOfDims, dimsEqual, evaluateDim, dimSymbols, normalizeAxis } from "./dims.js";
export { windowOutputShape, type WindowParams } from "./window.js";
export type { SymTensor } from "./sym-tensor.js";
