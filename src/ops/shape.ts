// Shape and Size: their outputs' *elements* are the input's dims, which is where shape
// arithmetic starts: Shape of [batch, sequence, 768] tracks ["batch", "sequence", 768].

import { DataType } from "../ir/dtype.js";
import { A, defineOp, type OpDef } from "./schema.js";
import { productOfDims } from "./dims.js";

export const shapeOps: OpDef[] = [
  defineOp({
    opType: "Shape",
    versions: [
      { since: 1, inputs: ["data"], outputs: ["shape"] },
      { since: 15, inputs: ["data"], outputs: ["shape"], attrs: { start: A.int(0), end: A.int() } },
    ],
    infer: (c) => {
      const x = c.shape(0);
      if (!x) return c.out(0, DataType.INT64, [null]);
      const r = x.length;
      const at = (i: number): number => Math.min(Math.max(i < 0 ? i + r : i, 0), r);
      const hasRange = c.version.since >= 15;
      const start = hasRange ? at(c.int("start")) : 0;
      const end = hasRange && c.node.getInt("end") !== undefined ? at(c.int("end")) : r;
      const dims = x.slice(start, Math.max(start, end));
      c.out(0, DataType.INT64, [dims.length]);
      c.outValue(0, { dtype: DataType.INT64, dims: [dims.length], data: dims });
    },
  }),
  defineOp({
    opType: "Size",
    versions: [{ since: 1, inputs: ["data"], outputs: ["size"] }],
    infer: (c) => {
      c.out(0, DataType.INT64, []);
      const x = c.shape(0);
      if (x) c.outValue(0, { dtype: DataType.INT64, dims: [], data: [productOfDims(x)] });
    },
  }),
];
