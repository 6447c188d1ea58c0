// Matrix products: MatMul with numpy semantics (batched, broadcast batch dims, 1-D operands
// promoted then squeezed), its integer and QLinear forms, and Gemm's 2-D product with trans flags.

import type { Dim } from "../ir/value.js";
import { DataType } from "../ir/dtype.js";
import { A, defineOp, type OpDef } from "./schema.js";
import { broadcastShapes } from "./broadcast.js";

export function matmulShape(a: readonly Dim[] | undefined, b: readonly Dim[] | undefined): Dim[] | undefined {
  if (!a || !b) return undefined;
  if (a.length === 0 || b.length === 0) throw new Error("MatMul operands must have rank >= 1");
  const aa = a.length === 1 ? [1, a[0]!] : a;
  const bb = b.length === 1 ? [b[0]!, 1] : b;
  const batch = broadcastShapes(aa.slice(0, -2), bb.slice(0, -2))!;
  const out: Dim[] = [...batch];
  if (a.length > 1) out.push(aa[aa.length - 2]!);
  if (b.length > 1) out.push(bb[bb.length - 1]!);
  return out;
}

export const matmulOps: OpDef[] = [
  defineOp({
    opType: "MatMul",
    versions: [{ since: 1, inputs: ["A", "B"] }],
    infer: (c) => c.out(0, c.dtype(0), matmulShape(c.shape(0), c.shape(1))),
  }),
  defineOp({
    opType: "MatMulInteger",
    versions: [{ since: 10, inputs: ["A", "B", "a_zero_point?", "b_zero_point?"] }],
    infer: (c) => c.out(0, DataType.INT32, matmulShape(c.shape(0), c.shape(1))),
  }),
  defineOp({
    opType: "QLinearMatMul",
    versions: [{ since: 10, inputs: ["a", "a_scale", "a_zero_point", "b", "b_scale", "b_zero_point", "y_scale", "y_zero_point"], outputs: ["y"] }],
    infer: (c) => c.out(0, c.dtype(7) ?? c.dtype(0), matmulShape(c.shape(0), c.shape(3))),
  }),
  defineOp({
    opType: "Gemm",
    versions: [
      { since: 1, inputs: ["A", "B", "C"], attrs: { alpha: A.float(1), beta: A.float(1), broadcast: A.int(0), transA: A.int(0), transB: A.int(0) } },
      { since: 7, inputs: ["A", "B", "C"], attrs: { alpha: A.float(1), beta: A.float(1), transA: A.int(0), transB: A.int(0) } },
      { since: 11, inputs: ["A", "B", "C?"], attrs: { alpha: A.float(1), beta: A.float(1), transA: A.int(0), transB: A.int(0) } },
    ],
    infer: (c) => {
      const a = c.shape(0);
      const b = c.shape(1);
      const m = a ? (c.int("transA") ? a[1] : a[0]) : null;
      const n = b ? (c.int("transB") ? b[0] : b[1]) : null;
      c.out(0, c.dtype(0), [m ?? null, n ?? null]);
    },
  }),
];
