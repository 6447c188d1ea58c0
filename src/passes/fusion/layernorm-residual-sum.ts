// Add → LayerNormalization written as Sum → LayerNormalization: the same arithmetic, but not the
// pattern ONNX Runtime fuses into com.microsoft SkipLayerNormalization. ORT fuses the residual Add
// of every transformer block (x + sublayer(x) [+ bias]) into that op whenever the Add's inputs have
// equal known 3-D shapes, and its native CPU kernel (onnxruntime-node 1.30) is a scalar loop:
// ~640 µs per [128, 768] against ~120 µs for Add + LayerNormalization on an AVX2 AMD EPYC, which
// was a tenth of a dynamic int8 BERT-base's time. The fusion matches Add only, so Sum keeps ORT on
// its vectorized LayerNormalization. (The wasm build of the same kernel is not slow; see target.ts.)

import { defineRule, fail, OK, rulePass, type RulePassOptions } from "./rule.js";
import type { Node } from "../../ir/node.js";
import type { Pass } from "../pass.js";

interface ResidualMatch {
  add: Node;
}

const isDefaultDomain = (n: Node): boolean => n.domain === "" || n.domain === "ai.onnx";

export const layerNormResidualSumRule = defineRule<ResidualMatch>({
  name: "layernorm-residual-sum",
  match(node) {
    if (node.opType !== "Add" || !isDefaultDomain(node)) return null;
    const feedsNorm = node.output(0).uses.some((u) => u.index === 0 && u.node.opType === "LayerNormalization" && isDefaultDomain(u.node));
    return feedsNorm ? { add: node } : null;
  },
  check({ add }, { model }) {
    // ORT fuses only an Add whose one reader is the LayerNormalization; anything else stays Add.
    const out = add.output(0);
    if (out.isGraphOutput) return fail(`"${out.name}" is a graph output, which ORT never fuses`);
    if (out.uses.length !== 1) return fail(`"${out.name}" has ${out.uses.length} readers, which ORT never fuses`);
    if (model.opset < 8) return fail(`Sum broadcasts only from opset 8 (model: ${model.opset})`);
    if (!add.input(0) || !add.input(1)) return fail("Add is missing an input");
    return OK;
  },
  rewrite({ add }) {
    add.opType = "Sum"; // same inputs, same broadcasting (opset ≥ 8), same float sum
  },
});

export function layerNormResidualSum(opts: RulePassOptions = {}): Pass {
  return rulePass("layernorm-residual-sum", [layerNormResidualSumRule], opts);
}
