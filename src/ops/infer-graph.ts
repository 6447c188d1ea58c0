// Static shape inference over one graph: visits nodes in order, asks each op's rule for its
// outputs' dtype and shape, and tracks small tensors' elements (constants, shape arithmetic)
// so later rules can read them. Unknown ops and rule failures leave outputs as they were.

import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import type { Dim, Value, ValueType } from "../ir/value.js";
import { DataType } from "../ir/dtype.js";
import { InferContext, type FactSource, type OutputFacts } from "./infer-context.js";
import { lookupOp, opsetFor } from "./registry.js";
import { versionAt } from "./schema.js";
import { symFromTensor, type SymTensor } from "./sym-tensor.js";

export interface ShapeIssue {
  readonly node: Node;
  readonly message: string;
}

export interface GraphShapeReport {
  /** Whether any value's type changed. */
  readonly modified: boolean;
  /** Nodes whose rule failed (malformed attributes, shapes that do not broadcast, ...). */
  readonly issues: readonly ShapeIssue[];
  /** Nodes left alone: not in the registry, runtime-only, or owning subgraphs. */
  readonly skipped: readonly Node[];
  /** Tracked elements of values (shape arithmetic results), for passes that want them. */
  readonly values: ReadonlyMap<Value, SymTensor>;
}

export function inferGraphShapes(graph: Graph, opsets: ReadonlyMap<string, number>): GraphShapeReport {
  const values = new Map<Value, SymTensor>();
  const constants = new Map<Value, SymTensor | undefined>();
  const issues: ShapeIssue[] = [];
  const skipped: Node[] = [];
  let modified = false;

  const source: FactSource = {
    facts(v) {
      const t = v.type?.kind === "tensor" ? v.type : undefined;
      return { dtype: t && t.dtype !== 0 ? t.dtype : undefined, shape: t?.shape };
    },
    elements(v) {
      const tracked = values.get(v);
      if (tracked) return tracked;
      if (!constants.has(v)) constants.set(v, v.initializer ? symFromTensor(v.initializer) : undefined);
      return constants.get(v);
    },
  };

  for (const node of graph.nodes) {
    const def = lookupOp(node.opType, node.domain);
    if (!def?.infer || node.subgraphs().length > 0) {
      skipped.push(node);
      continue;
    }
    const opset = opsetFor(opsets, node.domain);
    const ctx = new InferContext(node, versionAt(def, opset), opset, source);
    try {
      def.infer(ctx);
      checkInferred(ctx.outputs);
    } catch (e) {
      issues.push({ node, message: `${node.describe()}: ${(e as Error).message}` });
      continue;
    }
    node.outputs.forEach((out, i) => {
      const f = ctx.outputs[i];
      if (f && out.name) modified = applyFacts(out, f) || modified;
      const sv = ctx.values[i];
      if (sv) values.set(out, sv);
    });
  }
  return { modified, issues, skipped, values };
}

const KNOWN_DTYPES = new Set<number>(Object.values(DataType).filter((v) => v !== 0));

/**
 * A rule fed inputs and attributes that do not fit together (a 2-D kernel_shape on a 5-D image,
 * a stride of 0) can compute NaN, infinite or negative sizes; those never reach the IR.
 */
function checkInferred(outputs: readonly (OutputFacts | undefined)[]): void {
  outputs.forEach((f, i) => {
    // A Cast "to" of 2^31 is no element type (the writer cannot even encode it).
    if (f?.dtype !== undefined && !KNOWN_DTYPES.has(f.dtype)) throw new Error(`output ${i} would have element type ${f.dtype}, which ONNX does not define`);
    const axis = f?.shape?.findIndex((d) => typeof d === "number" && !(Number.isSafeInteger(d) && d >= 0)) ?? -1;
    if (axis >= 0) throw new Error(`output ${i} would have size ${f!.shape![axis]} on axis ${axis}; its inputs and attributes do not fit together`);
  });
}

/** Merges inferred facts into a value's type; dims the rule could not tell keep what was declared. */
function applyFacts(v: Value, f: OutputFacts): boolean {
  const old = v.type;
  if (old?.kind === "other") return false;
  const dtype: DataType | undefined = f.dtype ?? (old && old.dtype !== 0 ? old.dtype : undefined);
  if (dtype === undefined) return false;
  const shape = mergeShape(old?.shape, f.shape);
  if (old && old.dtype === dtype && sameShape(old.shape, shape)) return false;
  const next: ValueType = shape ? { kind: "tensor", dtype, shape } : { kind: "tensor", dtype };
  v.type = next;
  return true;
}

function mergeShape(declared: readonly Dim[] | undefined, inferred: readonly Dim[] | undefined): Dim[] | undefined {
  if (!inferred) return declared ? [...declared] : undefined;
  if (!declared || declared.length !== inferred.length) return [...inferred];
  return inferred.map((d, i) => d ?? declared[i] ?? null);
}

function sameShape(a: readonly Dim[] | undefined, b: readonly Dim[] | undefined): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
