// Float16 conversion of a model for GPU execution providers: weights, constants and activations
// become float16, ops the rules table keeps float32 get Casts around them, and the model's
// interface becomes float16 (or stays float32 with keepIoTypes, through boundary Casts).
//
// Scope: the main graph. If/Loop/Scan nodes stay float32 with their bodies untouched; outer
// values their bodies read are cast back to float32 for them. Tensor attributes other than
// Constant/ConstantOfShape values (which set an output type) are left as they are.

import { DataType } from "../ir/dtype.js";
import type { Graph } from "../ir/graph.js";
import type { Model } from "../ir/model.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";
import { definePass, type Pass, type PassContext, type PassResult } from "../passes/pass.js";
import { QuantaError } from "../errors.js";
import { FLOAT16_MAX } from "../ir/tensor/float16.js";
import { emptyRangeCounts, tensorToFloat16 } from "./convert-tensor.js";
import { sourceElementTypes } from "./source-types.js";
import { PrecisionPlan } from "./plan.js";
import { CastInserter } from "./cast-inserter.js";
import { retypeAttributes } from "./retype-attributes.js";
import { retypeGraphOutputs } from "./retype-outputs.js";
import { foldCasts } from "./fold-casts.js";
import { sortGraph } from "../passes/topological-sort.js";
import { checkRequiredInputs } from "../ops/required-inputs.js";

export interface Float16Options {
  /** Keep float32 graph inputs and outputs; Casts at the boundary convert (default false). */
  keepIoTypes?: boolean;
  /** More ops to keep float32, as "Op" (any domain) or "domain::Op". */
  blockOps?: readonly string[];
  /**
   * Non-zero weights smaller than this in magnitude are stored as ±minPositive instead of
   * rounding to a subnormal or to zero (e.g. 1e-7). Default: plain IEEE rounding.
   */
  minPositive?: number;
  /**
   * Values (by name) whose magnitudes leave float16's range, e.g. seen in a float32 run on
   * sample data: the ops producing and reading them stay float32, and so does such a graph
   * input or output. See `float16RangeCheck`.
   */
  outOfRangeValues?: readonly string[];
  /** Ops reading a constant with values beyond ±65504 stay float32 with it, instead of clamping the constant (default false: clamp). */
  keepOutOfRangeWeights?: boolean;
}

export interface Float16Stats {
  /** Weight/constant values beyond ±65504, stored as ±65504. */
  clampedValues: number;
  /** Non-zero weight/constant values that rounded to zero. */
  underflowedValues: number;
  /** Values raised to ±minPositive. */
  raisedValues: number;
  /** Initializers converted to float16. */
  convertedInitializers: number;
  /** Constant and ConstantOfShape nodes whose value became float16. */
  convertedConstants: number;
  /** Float32 initializers kept because only float32 slots read them (Resize scales). */
  keptFloat32Initializers: number;
  /** Nodes touching float values that run float32 after conversion. */
  keptFloat32Ops: number;
  /** keptFloat32Ops by op type. */
  keptFloat32ByOp: Record<string, number>;
  /** Of keptFloat32Ops, those kept because a value or constant they touch leaves float16's range. */
  keptForRange: number;
  /** Graph inputs and outputs kept float32 because their values leave float16's range. */
  float32Interface: string[];
  /** Cast nodes added by the conversion and still present after folding. */
  castsInserted: number;
  /** Float-to-float Casts whose target was changed from float32 to float16. */
  castsRetargeted: number;
  /** Cast nodes removed because they had become no-ops or cancelled out. */
  castsFolded: number;
  /** Declared value types (inputs, outputs, value_info) changed to float16. */
  retypedValues: number;
}

/** Converts `model` in place and reports what conversion did to values and nodes. */
export function convertModelToFloat16(model: Model, opts: Float16Options = {}): Float16Stats {
  checkOptions(opts);
  if (model.opset > 0 && model.opset < 6) {
    // Cast's `to` was a string before opset 6, and ONNX Runtime runs Cast from opset 6 on.
    throw new QuantaError(`float16 conversion inserts Cast nodes, which need opset 6 or later; the model uses opset ${model.opset}: re-export it with a newer opset`);
  }
  const g = model.graph;
  checkRequiredInputs(model);
  // The precision plan walks nodes forward and back: files need not list them in order.
  sortGraph(g);
  const types = sourceElementTypes(g);
  const plan = new PrecisionPlan(g, types, opts);
  const floatValues = [...types.keys()].filter((v) => plan.isFloat32(v));
  // Settled before any edit: targets depend on uses, which inserting Casts changes.
  const target = new Map<Value, DataType>(floatValues.map((v) => [v, plan.target(v)]));
  const counts = emptyRangeCounts();
  const stats: Float16Stats = {
    ...counts,
    convertedInitializers: 0,
    convertedConstants: 0,
    keptFloat32Initializers: 0,
    keptFloat32Ops: 0,
    keptFloat32ByOp: {},
    keptForRange: 0,
    float32Interface: [],
    castsInserted: 0,
    castsRetargeted: 0,
    castsFolded: 0,
    retypedValues: 0,
  };

  for (const v of g.initializers.values()) {
    if (!plan.isFloat32(v)) continue;
    if (target.get(v) === DataType.FLOAT) {
      stats.keptFloat32Initializers++;
      continue;
    }
    v.initializer = tensorToFloat16(v.initializer!, counts, opts.minPositive);
    stats.convertedInitializers++;
  }
  for (const n of g.nodes) {
    if (plan.runsFloat32(n)) continue;
    const r = retypeAttributes(n, counts, opts.minPositive);
    if (r === "cast") stats.castsRetargeted++;
    if (r === "constant") stats.convertedConstants++;
  }
  for (const v of floatValues) {
    const t = target.get(v)!;
    if (v.type?.kind === "tensor" && v.type.dtype !== t) {
      v.type = { ...v.type, dtype: t };
      stats.retypedValues++;
    }
  }

  const casts = new CastInserter(g);
  for (const n of [...g.nodes]) {
    n.inputs.forEach((v, i) => {
      if (!v || !plan.isFloat32(v)) return;
      const want = plan.want(n, i);
      if (want !== undefined && want !== target.get(v)) n.setInput(i, casts.castOf(v, want));
    });
  }
  castImplicitInputs(g, plan, target, casts);
  const have = (v: Value): DataType | undefined => target.get(v) ?? v.dtype ?? types.get(v);
  const outOfRange = new Set(opts.outOfRangeValues ?? []);
  const interfaceType = (v: Value): DataType => (opts.keepIoTypes || outOfRange.has(v.name) ? DataType.FLOAT : DataType.FLOAT16);
  if (!opts.keepIoTypes) {
    stats.float32Interface = [...g.inputs, ...g.outputs].filter((v) => !v.initializer && plan.isFloat32(v) && outOfRange.has(v.name)).map((v) => v.name);
  }
  retypeGraphOutputs(g, casts, interfaceType, (v) => (plan.isFloat32(v) ? have(v) : undefined));
  stats.castsFolded = foldCasts(g, have);

  stats.clampedValues = counts.clampedValues;
  stats.underflowedValues = counts.underflowedValues;
  stats.raisedValues = counts.raisedValues;
  stats.castsInserted = [...casts.added].filter((n) => n.graph === g).length;
  for (const [n] of plan.float32Nodes) {
    if (n.graph !== g || !touchesFloat32(n, plan)) continue;
    stats.keptFloat32Ops++;
    stats.keptFloat32ByOp[n.opType] = (stats.keptFloat32ByOp[n.opType] ?? 0) + 1;
    if (/float16's range|beyond ±/.test(plan.float32Nodes.get(n)!)) stats.keptForRange++;
  }
  return stats;
}

export interface Float16PassResult extends PassResult {
  stats: Float16Stats;
}

export interface Float16Pass extends Pass {
  run(model: Model, ctx?: PassContext): Promise<Float16PassResult>;
}

/** The conversion as a pass; its result carries the stats. */
export function convertToFloat16(opts: Float16Options = {}): Float16Pass {
  checkOptions(opts);
  const pass = definePass("convert-to-float16", (model) => {
    const stats = convertModelToFloat16(model, opts);
    const changes = stats.convertedInitializers + stats.convertedConstants + stats.castsInserted + stats.castsRetargeted + stats.castsFolded + stats.retypedValues;
    return { model, modified: changes > 0, stats };
  });
  // definePass hands back fn's result object as is, stats included.
  return pass as Float16Pass;
}

function checkOptions(opts: Float16Options): void {
  const m = opts.minPositive;
  if (m !== undefined && !(m > 0 && m < FLOAT16_MAX)) {
    throw new QuantaError(`minPositive must be a positive number below ${FLOAT16_MAX}, got ${m}`);
  }
}

// Bodies of If/Loop/Scan stay float32: outer float32 values they read that became float16 are
// cast back once, outside, and the body's reads rewired to the cast.
function castImplicitInputs(g: Graph, plan: PrecisionPlan, target: ReadonlyMap<Value, DataType>, casts: CastInserter): void {
  for (const n of [...g.nodes]) {
    if (!n.subgraphs().length) continue;
    for (const v of n.implicitInputs()) {
      if (!plan.isFloat32(v) || target.get(v) !== DataType.FLOAT16) continue;
      const up = casts.castOf(v, DataType.FLOAT);
      for (const u of [...v.uses]) if (ownedBy(u.node, n)) u.node.setInput(u.index, up);
    }
  }
}

function ownedBy(inner: Node, owner: Node): boolean {
  for (let g = inner.graph; g; g = g.ownerNode?.graph ?? null) if (g.ownerNode === owner) return true;
  return false;
}

function touchesFloat32(n: Node, plan: PrecisionPlan): boolean {
  return n.inputs.some((v) => v && plan.isFloat32(v)) || n.outputs.some((v) => plan.isFloat32(v));
}
