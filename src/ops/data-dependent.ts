// Ops whose output sizes depend on input *values*: only the rank (and fixed dims) are static.

import type { Dim } from "../ir/value.js";
import { DataType } from "../ir/dtype.js";
import { A, defineOp, type OpDef } from "./schema.js";
import { normalizeAxis } from "./dims.js";

export const dataDependentOps: OpDef[] = [
  defineOp({
    opType: "NonZero",
    versions: [{ since: 9, inputs: ["X"] }],
    infer: (c) => c.out(0, DataType.INT64, [c.rank(0) ?? null, null]),
  }),
  defineOp({
    opType: "OneHot",
    versions: [{ since: 9, inputs: ["indices", "depth", "values"], outputs: ["output"], attrs: { axis: A.int(-1) } }],
    infer: (c) => {
      const x = c.shape(0);
      const depth: Dim = c.value(1)?.data[0] ?? null;
      if (!x) return c.out(0, c.dtype(2), undefined);
      const axis = normalizeAxis(c.int("axis"), x.length + 1);
      c.out(0, c.dtype(2), [...x.slice(0, axis), typeof depth === "number" ? Math.trunc(depth) : depth, ...x.slice(axis)]);
    },
  }),
];
