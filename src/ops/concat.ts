// Concat: dims along the axis add up; the others agree, so any input that knows one tells it.
// 1-D tracked inputs concatenate, which is how exporters assemble Reshape targets.

import type { Dim } from "../ir/value.js";
import { A, defineOp, type OpDef } from "./schema.js";
import { addDims, normalizeAxis } from "./dims.js";
import { symTensor, type SymTensor } from "./sym-tensor.js";

/** The best-known value of a dim several inputs share: a number, else a symbol, else unknown. */
function agree(dims: readonly Dim[]): Dim {
  return dims.find((d) => typeof d === "number") ?? dims.find((d) => typeof d === "string") ?? null;
}

export const concatOps: OpDef[] = [
  defineOp({
    opType: "Concat",
    versions: [
      { since: 1, inputs: ["inputs..."], outputs: ["concat_result"], attrs: { axis: A.int(1) } },
      { since: 4, inputs: ["inputs..."], outputs: ["concat_result"], attrs: { axis: A.req("int") } },
    ],
    infer: (c) => {
      const shapes = c.node.inputs.map((_, i) => c.shape(i));
      const known = shapes.filter((s): s is Dim[] => s !== undefined);
      if (known.length === 0) return c.out(0, c.dtype(0), undefined);
      const rank = known[0]!.length;
      const axis = normalizeAxis(c.int("axis"), rank);
      const out: Dim[] = [];
      for (let i = 0; i < rank; i++) {
        if (i !== axis) out.push(agree(known.map((s) => s[i] ?? null)));
        else out.push(known.length === shapes.length ? known.reduce<Dim>((acc, s) => addDims(acc, s[i] ?? null), 0) : null);
      }
      c.out(0, c.dtype(0), out);
      const values = c.node.inputs.map((_, i) => c.value(i));
      if (rank === 1 && c.dtype(0) !== undefined && values.every((v): v is SymTensor => v !== undefined)) {
        const data = values.flatMap((v) => v.data);
        c.outValue(0, symTensor(c.dtype(0)!, [data.length], data));
      }
    },
  }),
];
