// The fusion pipeline: drop copies, fold BatchNormalization, turn MatMul+Add into Gemm and,
// when asked, fuse activations into ORT-only FusedConv/FusedGemm. The order matters: removing
// Identity exposes Conv→BN pairs, and folding BN exposes Conv→Relu pairs.

import { sequential, type Pass } from "../pass.js";
import { rulePass, type RewriteRule, type RuleReport } from "./rule.js";
import { removeIdentityRule } from "./remove-identity.js";
import { convBnFoldRule } from "./conv-bn-fold.js";
import { matmulAddToGemmRule } from "./matmul-add-to-gemm.js";
import { convAddBiasRule } from "./conv-add-bias.js";
import { fuseActivationsRule } from "./fuse-activations.js";

export interface FuseOptions {
  /** Also fuse Conv/Gemm + activation into com.microsoft FusedConv/FusedGemm (the model then runs only in ONNX Runtime). */
  activations?: boolean;
  /** Receives each rule pass's reports: rewrites per rule and skipped candidates with reasons. */
  onReport?: (reports: readonly RuleReport[]) => void;
}

/**
 * The rules `fuse` runs, in order. Without `activations` every rule keeps a standard ONNX graph,
 * so the quantizer can apply the same folds before quantizing weights.
 */
export function fusionRules(options: Pick<FuseOptions, "activations"> = {}): RewriteRule[] {
  const rules = [removeIdentityRule, convBnFoldRule, convAddBiasRule, matmulAddToGemmRule];
  return options.activations ? [...rules, fuseActivationsRule] : rules;
}

/** One rule pass per rule, in `fusionRules` order, so each shows up in the pass records. */
export function fuse(options: FuseOptions = {}): Pass {
  const opts = { onReport: options.onReport };
  return sequential(
    "fuse",
    fusionRules(options).map((r) => rulePass(r.name, [r], opts)),
  );
}
