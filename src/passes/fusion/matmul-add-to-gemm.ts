// MatMul(A[M,K], W[K,N]) + b[N] → Gemm(A, W, b): one node whose weight and bias quantizers treat
// as a layer. Gemm takes only 2-D inputs, so a 3-D activation ([batch, sequence, hidden] in
// transformers) keeps its MatMul + Add.

import { defineRule, fail, OK, rulePass, type RulePassOptions } from "./rule.js";
import { absorb, constantInput, extraUses, formatShape } from "./graph-edit.js";
import type { Node } from "../../ir/node.js";
import type { Pass } from "../pass.js";
import { DataType, dtypeName } from "../../ir/dtype.js";

interface MatMulAddMatch {
  matmul: Node;
  add: Node;
  /** Which of Add's inputs is the bias (the other reads the MatMul). */
  biasIndex: number;
}

const isDefaultDomain = (n: Node): boolean => n.domain === "" || n.domain === "ai.onnx";

export const matmulAddToGemmRule = defineRule<MatMulAddMatch>({
  name: "matmul-add-to-gemm",
  match(node) {
    if (node.opType !== "MatMul" || !isDefaultDomain(node)) return null;
    const use = node.output(0).uses.find((u) => u.node.opType === "Add" && isDefaultDomain(u.node));
    return use ? { matmul: node, add: use.node, biasIndex: 1 - use.index } : null;
  },
  check({ matmul, add, biasIndex }, { graph, model }) {
    const shared = extraUses(matmul.output(0), add);
    if (shared) return fail(`MatMul output ${shared}`);
    if (add.input(biasIndex) === matmul.output(0)) return fail("Add adds the MatMul output to itself");
    if (model.opset < 7) return fail("Gemm before opset 7 does not broadcast its bias");
    const w = constantInput(graph, matmul.input(1), "MatMul weight (input B)");
    if (typeof w === "string") return fail(w);
    if (w.dims.length !== 2) return fail(`MatMul weight has rank ${w.dims.length}; Gemm needs a 2-D [K,N] weight`);
    if (!gemmTakes(w.dtype, model.opset)) return fail(`Gemm at opset ${model.opset} does not take ${dtypeName(w.dtype)}`);
    const a = matmul.input(0)!;
    // With a 2-D weight the product has A's rank, so a recorded output shape tells it too.
    const shape = a.shape ?? matmul.output(0).shape;
    if (!shape) return fail(`rank of MatMul input "${a.name}" is unknown (run shape inference first); Gemm needs a 2-D input`);
    if (shape.length !== 2) {
      return fail(`MatMul input "${a.name}" has rank ${shape.length}${a.shape ? ` (${formatShape(shape)})` : ""}; Gemm takes only 2-D inputs, so MatMul+Add stays`);
    }
    const b = constantInput(graph, add.input(biasIndex), "Add bias");
    if (typeof b === "string") return fail(b);
    const n = w.dims[1]!;
    const bd = b.dims;
    if (!((bd.length === 1 && bd[0] === n) || (bd.length === 2 && bd[0] === 1 && bd[1] === n))) {
      return fail(`Add bias has shape [${bd.join(",")}]; only [${n}] or [1,${n}] becomes Gemm's C`);
    }
    if (b.dtype !== w.dtype) return fail(`Add bias is ${dtypeName(b.dtype)} but the weight is ${dtypeName(w.dtype)}`);
    return OK;
  },
  rewrite({ matmul, add, biasIndex }) {
    matmul.opType = "Gemm"; // alpha = beta = 1 and no transposes by default: A·W + C
    matmul.setInput(2, add.input(biasIndex));
    absorb(matmul, add);
  },
});

/** Element types Gemm accepts at `opset` (MatMul's are a superset only before opset 11). */
function gemmTakes(t: DataType, opset: number): boolean {
  if (t === DataType.FLOAT || t === DataType.DOUBLE || t === DataType.FLOAT16) return true;
  if (t === DataType.BFLOAT16) return opset >= 13;
  return opset >= 11 && (t === DataType.INT32 || t === DataType.INT64 || t === DataType.UINT32 || t === DataType.UINT64);
}

export function matmulAddToGemm(opts: RulePassOptions = {}): Pass {
  return rulePass("matmul-add-to-gemm", [matmulAddToGemmRule], opts);
}
