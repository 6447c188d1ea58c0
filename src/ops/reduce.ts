// Reductions. Axes moved from attribute to input at opset 13 (ReduceSum) or 18 (the others);
// no/empty axes reduce everything unless noop_with_empty_axes. ArgMax/ArgMin take one axis.

import type { Dim } from "../ir/value.js";
import { DataType } from "../ir/dtype.js";
import type { InferContext } from "./infer-context.js";
import { A, defineOp, type OpDef } from "./schema.js";
import { mulDims, normalizeAxis } from "./dims.js";

function reduceRule(c: InferContext): void {
  const x = c.shape(0);
  const keep = c.int("keepdims") === 1;
  const axes = c.arg("axes");
  const noop = "noop_with_empty_axes" in c.version.attributes && c.int("noop_with_empty_axes") === 1;
  if (!x) return c.out(0, c.dtype(0), undefined);
  if (axes.kind === "unknown") return c.out(0, c.dtype(0), keep ? x.map(() => null) : undefined);
  const list = axes.kind === "known" ? axes.values : [];
  if (list.length === 0 && noop) return sameWithValue(c, x);
  const reduced = new Set(list.length ? list.map((a) => normalizeAxis(a, x.length)) : x.keys());
  const shape: Dim[] = [];
  x.forEach((d, i) => {
    if (!reduced.has(i)) shape.push(d);
    else if (keep) shape.push(1);
  });
  c.out(0, c.dtype(0), shape);
  trackProduct(c, reduced, x.length);
}

function sameWithValue(c: InferContext, x: Dim[]): void {
  c.out(0, c.dtype(0), x);
  c.outValue(0, c.value(0));
}

/** ReduceProd of a shape vector is how exporters spell numel: keep it as a (symbolic) product. */
function trackProduct(c: InferContext, reduced: ReadonlySet<number>, rank: number): void {
  const v = c.value(0);
  if (c.node.opType !== "ReduceProd" || !v || rank !== 1 || !reduced.has(0) || c.dtype(0) === undefined) return;
  const p = v.data.reduce<Dim>((acc, d) => mulDims(acc, d), 1);
  c.outValue(0, { dtype: c.dtype(0)!, dims: c.int("keepdims") === 1 ? [1] : [], data: [p] });
}

function reduceOp(opType: string, inputSince: number): OpDef {
  return defineOp({
    opType,
    versions: [
      { since: 1, inputs: ["data"], outputs: ["reduced"], attrs: { axes: A.ints(), keepdims: A.int(1) } },
      { since: inputSince, inputs: ["data", "axes?"], outputs: ["reduced"], attrs: { keepdims: A.int(1), noop_with_empty_axes: A.int(0) } },
    ],
    infer: reduceRule,
  });
}

function argOp(opType: string): OpDef {
  return defineOp({
    opType,
    versions: [
      { since: 1, inputs: ["data"], outputs: ["reduced"], attrs: { axis: A.int(0), keepdims: A.int(1) } },
      { since: 12, inputs: ["data"], outputs: ["reduced"], attrs: { axis: A.int(0), keepdims: A.int(1), select_last_index: A.int(0) } },
    ],
    infer: (c) => {
      const x = c.shape(0);
      if (!x) return c.out(0, DataType.INT64, undefined);
      const axis = normalizeAxis(c.int("axis"), x.length);
      const keep = c.int("keepdims") === 1;
      c.out(0, DataType.INT64, keep ? x.map((d, i) => (i === axis ? 1 : d)) : x.filter((_, i) => i !== axis));
    },
  });
}

export const reduceOps: OpDef[] = [
  reduceOp("ReduceSum", 13),
  ...["ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"].map((op) => reduceOp(op, 18)),
  argOp("ArgMax"),
  argOp("ArgMin"),
];
