// The registry of gradient rules, one explicit list so what is differentiable is visible here.

import type { GradRule } from "../rule.js";
import { opKey } from "../../ops/op-key.js";
import { ARITHMETIC_RULES } from "./arithmetic.js";
import { ACTIVATION_RULES } from "./activations.js";
import { SOFTMAX_RULES } from "./softmax.js";
import { layerNorm } from "./layer-norm.js";
import { batchNorm } from "./batch-norm.js";
import { matmul } from "./matmul.js";
import { gemm } from "./gemm.js";
import { CONV_RULES } from "./conv.js";
import { POOL_RULES } from "./pool.js";
import { LAYOUT_RULES } from "./layout.js";
import { CONCAT_SPLIT_RULES } from "./concat-split.js";
import { slice } from "./slice.js";
import { GATHER_RULES } from "./gather.js";
import { REDUCE_RULES } from "./reduce.js";
import { where } from "./where.js";
import { dropout } from "./dropout.js";
import { fakeQuant } from "./fake-quant.js";

export const RULE_LIST: readonly GradRule[] = [
  ...ARITHMETIC_RULES,
  ...ACTIVATION_RULES,
  ...SOFTMAX_RULES,
  layerNorm,
  batchNorm,
  matmul,
  gemm,
  ...CONV_RULES,
  ...POOL_RULES,
  ...LAYOUT_RULES,
  ...CONCAT_SPLIT_RULES,
  slice,
  ...GATHER_RULES,
  ...REDUCE_RULES,
  where,
  dropout,
  fakeQuant,
];

/** Rules keyed as the walker looks them up: by opKey ("Relu", "domain::Op"). */
export function ruleMap(rules: readonly GradRule[]): Map<string, GradRule> {
  const m = new Map<string, GradRule>();
  for (const r of rules) {
    const key = opKey(r.op, r.domain);
    if (m.has(key)) throw new Error(`two gradient rules for ${key}`);
    m.set(key, r);
  }
  return m;
}

export const GRADIENT_RULES: ReadonlyMap<string, GradRule> = ruleMap(RULE_LIST);
