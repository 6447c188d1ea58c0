// One BERT encoder layer: multi-head self-attention and the GELU feed-forward block, each with
// a residual Add and a post-LayerNorm, in the node pattern torch.onnx leaves for HF's BertLayer.

import type { GraphBuilder } from "../ir/builder.js";
import type { Value } from "../ir/value.js";
import type { Params } from "./params.js";
import { layerNorm, linear } from "./bert-parts.js";

/** Constants every layer shares, made once per graph. */
export interface BertConstants {
  /** [0, 0, heads, headSize]: Reshape [B,S,H] to [B,S,heads,headSize] (0 copies the dim). */
  splitHeads: Value;
  /** [0, 0, hidden]: back to [B,S,H]. */
  mergeHeads: Value;
  /** sqrt(headSize), the divisor of the attention scores. */
  scale: Value;
  sqrt2: Value;
  one: Value;
  half: Value;
  lnEpsilon: number;
  /** Std of the weight matrices (BERT's initializer_range). */
  initStd: number;
}

export function defineBertLayer(b: GraphBuilder, p: Params, k: BertConstants, x: Value, maskTerm: Value, name: string, hidden: number, ffn: number): Value {
  const attended = selfAttention(b, p, k, x, maskTerm, `${name}.attention.self`, hidden);
  const projected = linear(b, p, attended, `${name}.attention.output.dense`, hidden, hidden, k.initStd);
  const h = layerNorm(b, p, b.op("Add", [projected, x]), `${name}.attention.output.LayerNorm`, hidden, k.lnEpsilon);
  const inner = gelu(b, k, linear(b, p, h, `${name}.intermediate.dense`, hidden, ffn, k.initStd));
  const out = linear(b, p, inner, `${name}.output.dense`, ffn, hidden, k.initStd);
  return layerNorm(b, p, b.op("Add", [out, h]), `${name}.output.LayerNorm`, hidden, k.lnEpsilon);
}

/** softmax(Q K^T / sqrt(d) + mask) V over heads, merged back to [B,S,H]. */
function selfAttention(b: GraphBuilder, p: Params, k: BertConstants, x: Value, maskTerm: Value, name: string, hidden: number): Value {
  const heads = (v: Value, perm: number[]) => b.op("Transpose", [b.op("Reshape", [v, k.splitHeads])], { perm });
  const q = heads(linear(b, p, x, `${name}.query`, hidden, hidden, k.initStd), [0, 2, 1, 3]); // [B,h,S,d]
  const kT = heads(linear(b, p, x, `${name}.key`, hidden, hidden, k.initStd), [0, 2, 3, 1]); // [B,h,d,S]
  const v = heads(linear(b, p, x, `${name}.value`, hidden, hidden, k.initStd), [0, 2, 1, 3]);
  const scores = b.op("Add", [b.op("Div", [b.op("MatMul", [q, kT]), k.scale]), maskTerm]);
  const context = b.op("MatMul", [b.op("Softmax", [scores], { axis: -1 }), v]);
  return b.op("Reshape", [b.op("Transpose", [context], { perm: [0, 2, 1, 3] }), k.mergeHeads]);
}

/** Exact GELU in the exporter's Erf pattern: (x * (1 + Erf(x / sqrt 2))) * 0.5. */
function gelu(b: GraphBuilder, k: BertConstants, x: Value): Value {
  const erf = b.op("Erf", [b.op("Div", [x, k.sqrt2])]);
  return b.op("Mul", [b.op("Mul", [x, b.op("Add", [erf, k.one])]), k.half]);
}
