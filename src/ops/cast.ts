// Cast and CastLike: same shape, new element type; tracked elements are converted, so shape
// values survive the Cast(int64 → float) → ... → Cast(→ int64) round trips exporters emit.

import { DataType, dtypeFromName } from "../ir/dtype.js";
import type { InferContext } from "./infer-context.js";
import { A, defineOp, type OpDef } from "./schema.js";
import { castElement } from "./sym-tensor.js";

function castTo(c: InferContext, dtype: DataType | undefined): void {
  c.out(0, dtype, c.shape(0));
  const v = c.value(0);
  if (v && dtype !== undefined) c.outValue(0, { dtype, dims: v.dims, data: v.data.map((d) => castElement(d, dtype)) });
}

export const castOps: OpDef[] = [
  defineOp({
    opType: "Cast",
    versions: [
      // Cast-1 named the target type with a string ("FLOAT").
      { since: 1, inputs: ["input"], outputs: ["output"], attrs: { to: A.req("string") } },
      { since: 6, inputs: ["input"], outputs: ["output"], attrs: { to: A.req("int") } },
      { since: 19, inputs: ["input"], outputs: ["output"], attrs: { to: A.req("int"), saturate: A.int(1) } },
    ],
    infer: (c) => {
      const named = c.node.getString("to");
      castTo(c, named !== undefined ? dtypeFromName(named) : (c.int("to") as DataType));
    },
  }),
  defineOp({
    opType: "CastLike",
    versions: [
      { since: 15, inputs: ["input", "target_type"], outputs: ["output"] },
      { since: 19, inputs: ["input", "target_type"], outputs: ["output"], attrs: { saturate: A.int(1) } },
    ],
    infer: (c) => castTo(c, c.dtype(1)),
  }),
];
