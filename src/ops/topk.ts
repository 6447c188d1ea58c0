// TopK: K was an attribute before opset 10, an input from 10; values keep X's type, indices are int64.

import type { Dim } from "../ir/value.js";
import { DataType } from "../ir/dtype.js";
import { A, defineOp, type OpDef } from "./schema.js";
import { normalizeAxis } from "./dims.js";

export const topkOps: OpDef[] = [
  defineOp({
    opType: "TopK",
    versions: [
      { since: 1, inputs: ["X"], outputs: ["Values", "Indices"], attrs: { axis: A.int(-1), k: A.req("int") } },
      { since: 10, inputs: ["X", "K"], outputs: ["Values", "Indices"], attrs: { axis: A.int(-1) } },
      { since: 11, inputs: ["X", "K"], outputs: ["Values", "Indices"], attrs: { axis: A.int(-1), largest: A.int(1), sorted: A.int(1) } },
    ],
    infer: (c) => {
      const x = c.shape(0);
      const k: Dim = c.version.since < 10 ? c.int("k") : (c.value(1)?.data[0] ?? null);
      const axis = x ? normalizeAxis(c.int("axis"), x.length) : -1;
      const shape = x?.map((d, i) => (i === axis ? k : d));
      c.out(0, c.dtype(0), shape);
      c.out(1, DataType.INT64, shape);
    },
  }),
];
