// Shape inference. `inferShapes` is static: per-op rules from src/ops fill every node output's
// dtype and shape in the main graph, carrying symbolic dims ("batch") through shape arithmetic.
// `inferShapesFromRuntime` runs the model once and fills what the static rules could not tell.
//
// When to use which: the static pass is cheap, needs no data and keeps dims symbolic, so it is
// what passes rely on. Use the runtime variant when a model has ops quanta has no rule for
// (custom or com.microsoft ops, If/Loop bodies) or data-dependent sizes (NonZero, TopK with a
// computed K), and a representative input is at hand; the dims it fills are those of that one
// input, so feed the sizes the model will run with. It holds every intermediate tensor of one
// run in memory at once.

import { definePass, type Pass } from "./pass.js";
import type { Model } from "../ir/model.js";
import type { Dim, Value, ValueType } from "../ir/value.js";
import { dtypeFromHost, type DataType } from "../ir/dtype.js";
import { serializeModel } from "../ir/serde/save.js";
import type { HostTensor } from "../runtime/host-tensor.js";
import { ortMessage, type Runtime, type RuntimeSession } from "../runtime/runtime.js";
import { nodeRuntime } from "../runtime/node.js";
import { QuantaError } from "../errors.js";
import { inferGraphShapes, type GraphShapeReport } from "../ops/infer-graph.js";
import { evaluateDim } from "../ops/dims.js";
import { checkLoopsEnd } from "../runtime/endless-loops.js";

/** Static inference on the main graph, with its issues and skipped nodes. */
export function inferModelShapes(model: Model): GraphShapeReport {
  return inferGraphShapes(model.graph, model.opsets);
}

export const inferShapes: Pass = definePass("infer-shapes", (model) => ({ model, modified: inferModelShapes(model).modified }));

export interface ObservedTensor {
  readonly dtype: DataType;
  readonly dims: readonly number[];
}

export interface RuntimeShapeReport {
  /** Values whose type the run completed. */
  readonly filled: number;
  /**
   * Values whose known shape the run contradicted: a different number (the static dim is kept)
   * or a different rank (the observed shape replaces it).
   */
  readonly mismatches: readonly { value: string; static: readonly Dim[]; observed: readonly number[] }[];
  readonly static: GraphShapeReport;
}

// Ops whose outputs are sequences/optionals, which cannot be fetched as tensors.
const NON_TENSOR_OUTPUT = /^(Sequence|SplitToSequence|Optional)/;

/** Node outputs of the main graph that a run can return as tensors. */
function observableValues(model: Model): Value[] {
  const out: Value[] = [];
  for (const n of model.graph.nodes) {
    if (n.domain === "" && NON_TENSOR_OUTPUT.test(n.opType)) continue;
    for (const v of n.outputs) if (v.name && v.type?.kind !== "other") out.push(v);
  }
  return out;
}

/**
 * Runs the model once with every tensor node output fetched and returns each one's dtype and
 * dims. The model is not changed: the session is built from a serialized copy in which every
 * such value is a graph output and intermediate types are left for ONNX Runtime to infer.
 */
export async function observeShapes(
  model: Model,
  feeds: Record<string, HostTensor>,
  opts: { runtime?: Runtime } = {},
): Promise<Map<string, ObservedTensor>> {
  checkLoopsEnd(model);
  const wanted = observableValues(model);
  const bytes = withAllOutputs(model, wanted, () => serializeModel(model));
  const rt = opts.runtime ?? (await nodeRuntime());
  let session: RuntimeSession;
  try {
    session = await rt.createSession(bytes, { optimizationLevel: "disabled" });
  } catch (e) {
    throw new QuantaError(`ONNX Runtime cannot load the model to observe shapes: ${ortMessage(e)}`);
  }
  try {
    const res = await session.run(feeds, wanted.map((v) => v.name));
    const out = new Map<string, ObservedTensor>();
    for (const [name, t] of Object.entries(res)) out.set(name, { dtype: dtypeFromHost(t.type), dims: [...t.dims] });
    return out;
  } finally {
    await session.release();
  }
}

/** Temporarily makes `values` graph outputs with dtype-only types, runs `fn`, then restores everything. */
function withAllOutputs<T>(model: Model, values: readonly Value[], fn: () => T): T {
  const g = model.graph;
  const outputs = [...g.outputs];
  const types = new Map<Value, ValueType | undefined>();
  try {
    for (const n of g.nodes) {
      for (const v of n.outputs) {
        types.set(v, v.type);
        // Our static shapes must not constrain the run they are checked against.
        if (v.type?.kind === "tensor" && v.type.dtype !== 0) v.type = { kind: "tensor", dtype: v.type.dtype };
        else if (v.type?.kind !== "other" || !g.outputs.includes(v)) v.type = undefined;
      }
    }
    for (const v of values) if (!g.outputs.includes(v)) g.outputs.push(v);
    return fn();
  } finally {
    g.outputs.splice(0, g.outputs.length, ...outputs);
    for (const [v, t] of types) v.type = t;
  }
}

/**
 * Static inference, then one run of the model on `feeds` to fill the dims (and dtypes) it left
 * unknown. Symbolic dims the static pass found stay symbolic; only null dims and unknown ranks
 * take the observed sizes.
 */
export async function inferShapesFromRuntime(
  model: Model,
  feeds: Record<string, HostTensor>,
  opts: { runtime?: Runtime } = {},
): Promise<RuntimeShapeReport> {
  const report = inferModelShapes(model);
  const observed = await observeShapes(model, feeds, opts);
  let filled = 0;
  const mismatches: { value: string; static: readonly Dim[]; observed: readonly number[] }[] = [];
  for (const v of observableValues(model)) {
    const seen = observed.get(v.name);
    if (!seen) continue;
    const old = v.type?.kind === "tensor" ? v.type : undefined;
    const dtype = old && old.dtype !== 0 ? old.dtype : seen.dtype;
    const shape = fillShape(old?.shape, seen.dims);
    if (old?.shape && (old.shape.length !== seen.dims.length || old.shape.some((d, i) => typeof d === "number" && d !== seen.dims[i]))) {
      mismatches.push({ value: v.name, static: old.shape, observed: seen.dims });
    }
    if (old && old.dtype === dtype && old.shape && old.shape.every((d, i) => d === shape[i])) continue;
    v.type = { kind: "tensor", dtype, shape };
    filled++;
  }
  return { filled, mismatches, static: report };
}

function fillShape(known: readonly Dim[] | undefined, seen: readonly number[]): Dim[] {
  if (!known || known.length !== seen.length) return [...seen];
  return known.map((d, i) => d ?? seen[i]!);
}

export interface ShapeDisagreement {
  readonly value: string;
  readonly static: readonly Dim[] | undefined;
  readonly observed: readonly number[];
}

/**
 * Runs the model on `feeds` and lists the node outputs whose current (e.g. statically inferred)
 * shape disagrees with what the run produced. A symbol is bound to the size it first meets (graph
 * inputs first) and must then agree everywhere; "768*batch" is checked as a product. Unknown dims
 * and unknown ranks are not disagreements: `unknown` lists those values.
 */
export async function checkShapes(
  model: Model,
  feeds: Record<string, HostTensor>,
  opts: { runtime?: Runtime } = {},
): Promise<{ disagreements: ShapeDisagreement[]; unknown: string[] }> {
  const bindings = new Map<string, number>();
  for (const v of model.graph.inputs) {
    const f = feeds[v.name];
    v.shape?.forEach((d, i) => {
      if (typeof d === "string" && f?.dims[i] !== undefined && !bindings.has(d)) bindings.set(d, f.dims[i]!);
    });
  }
  const observed = await observeShapes(model, feeds, opts);
  const disagreements: ShapeDisagreement[] = [];
  const unknown: string[] = [];
  for (const v of observableValues(model)) {
    const seen = observed.get(v.name);
    if (!seen) continue;
    const shape = v.shape;
    if (!shape || shape.some((d) => d === null)) unknown.push(v.name);
    if (!shape) continue;
    const agrees =
      shape.length === seen.dims.length &&
      shape.every((d, i) => {
        if (d === null) return true;
        const size = seen.dims[i]!;
        if (typeof d === "string" && !d.includes("*") && !bindings.has(d)) bindings.set(d, size);
        return evaluateDim(d, bindings) === size;
      });
    if (!agrees) disagreements.push({ value: v.name, static: shape, observed: seen.dims });
  }
  return { disagreements, unknown };
}
