export { fuse, fusionRules, type FuseOptions } from "./fuse.js";
export {
  applyRules,
  rulePass,
  defineRule,
  formatRuleReports,
  type RewriteRule,
  type RuleContext,
  type CheckResult,
  type RuleReport,
  type SkippedCandidate,
  type RulePassOptions,
} from "./rule.js";
export { removeIdentity, removeIdentityRule } from "./remove-identity.js";
export { convBnFold, convBnFoldRule } from "./conv-bn-fold.js";
export { matmulAddToGemm, matmulAddToGemmRule } from "./matmul-add-to-gemm.js";
export { fuseActivations, fuseActivationsRule, MS_DOMAIN } from "./fuse-activations.js";
export { layerNormResidualSum, layerNormResidualSumRule } from "./layernorm-residual-sum.js";
