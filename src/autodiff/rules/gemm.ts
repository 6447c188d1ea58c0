// Gemm: Y = alpha * op(A) op(B) + beta * C, op = optional transpose, C broadcast to [M, N].
// Each operand's gradient is itself one Gemm, with the transposes chosen so no Transpose node
// is needed: dA = alpha g op(B)^T (transposed back when transA), dB = alpha op(A)^T g (likewise).

import type { Value } from "../../ir/value.js";
import type { GradRule } from "../rule.js";

export const gemm: GradRule = {
  op: "Gemm",
  inputsToSave: [0, 1],
  grad: (c) => {
    const { b } = c;
    const g = c.grad()!;
    const [a, bm] = [c.input(0), c.input(1)];
    const alpha = c.node.getFloat("alpha", 1);
    const beta = c.node.getFloat("beta", 1);
    const ta = c.node.getInt("transA", 0) === 1;
    const tb = c.node.getInt("transB", 0) === 1;
    const mm = (p: Value, q: Value, tp: boolean, tq: boolean) => b.op("Gemm", [p, q], { alpha, transA: tp ? 1 : 0, transB: tq ? 1 : 0 });

    // dA: [M,K] = g op(B)^T, and for transA its transpose op(B) g^T.
    const ga = c.needsGrad(0) ? (ta ? mm(bm, g, tb, true) : mm(g, bm, false, !tb)) : null;
    // dB: [K,N] = op(A)^T g, and for transB its transpose g^T op(A).
    const gb = c.needsGrad(1) ? (tb ? mm(g, a, true, ta) : mm(a, g, !ta, false)) : null;
    const bias = c.optionalInput(2);
    let gc: Value | null = null;
    if (bias && c.needsGrad(2)) {
      gc = c.unbroadcast(g, bias);
      if (beta !== 1) gc = b.mul(gc, b.scalar(beta, c.dtype));
    }
    return [ga, gb, gc];
  },
};
