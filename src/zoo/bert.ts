// A BERT encoder with a pooler and a sequence classifier, laid out as torch.onnx exports
// Hugging Face's BertForSequenceClassification at opset 17: 3-D nn.Linear as MatMul + Add,
// LayerNormalization, GELU as the Erf pattern, the additive mask (1 - mask) * -10000, and the
// 2-D pooler/classifier as Gemm. Weight names follow HF's state dict.

import type { GraphBuilder } from "../ir/builder.js";
import type { Model } from "../ir/model.js";
import type { Value } from "../ir/value.js";
import { DataType } from "../ir/dtype.js";
import type { Params } from "./params.js";
import { bertWeight } from "./init.js";
import { gemm, layerNorm } from "./bert-parts.js";
import { assemble, type BuildOptions } from "./assemble.js";
import { defineBertLayer, type BertConstants } from "./bert-layer.js";

export interface BertConfig {
  layers: number;
  hidden: number;
  heads: number;
  /** Width of the feed-forward (intermediate) layer. */
  ffn: number;
  vocab: number;
  maxPositions: number;
  typeVocab: number;
  classes: number;
  /**
   * Std of every weight matrix and embedding (HF's initializer_range, 0.02 for bert-base).
   * Narrower models need more: what matters is std * sqrt(hidden), each layer's gain.
   */
  initStd: number;
}

export const BERT_BASE: BertConfig = { layers: 12, hidden: 768, heads: 12, ffn: 3072, vocab: 30522, maxPositions: 512, typeVocab: 2, classes: 2, initStd: 0.02 };

const LN_EPSILON = 1e-12;

export function buildBert(cfg: Partial<BertConfig> = {}, opts: BuildOptions = {}): Model {
  return assemble("bert", defineBert, { ...BERT_BASE, ...cfg }, opts).model;
}

export function defineBert(b: GraphBuilder, p: Params, cfg: BertConfig): void {
  if (cfg.hidden % cfg.heads !== 0) throw new Error(`bert: hidden ${cfg.hidden} is not divisible by ${cfg.heads} heads`);
  const ids = b.input("input_ids", DataType.INT64, ["batch", "sequence"]);
  const mask = b.input("attention_mask", DataType.INT64, ["batch", "sequence"]);
  const headSize = cfg.hidden / cfg.heads;
  const k: BertConstants = {
    splitHeads: b.ints([0, 0, cfg.heads, headSize], "shape_split_heads"),
    mergeHeads: b.ints([0, 0, cfg.hidden], "shape_merge_heads"),
    scale: b.constant([Math.sqrt(headSize)], [], DataType.FLOAT, "attention_scale"),
    sqrt2: b.constant([Math.SQRT2], [], DataType.FLOAT, "gelu_sqrt2"),
    one: b.constant([1], [], DataType.FLOAT, "one"),
    half: b.constant([0.5], [], DataType.FLOAT, "half"),
    lnEpsilon: LN_EPSILON,
    initStd: cfg.initStd,
  };
  let x = embeddings(b, p, cfg, ids);
  const maskTerm = additiveMask(b, mask, k.one);
  for (let i = 0; i < cfg.layers; i++) x = defineBertLayer(b, p, k, x, maskTerm, `bert.encoder.layer.${i}`, cfg.hidden, cfg.ffn);
  // Pooler: tanh(dense(hidden state of the first token, [CLS])).
  const cls = b.op("Gather", [x, b.constant([0], [], DataType.INT64, "cls_index")], { axis: 1 });
  const pooled = b.op("Tanh", [gemm(b, p, cls, "bert.pooler.dense", cfg.hidden, cfg.hidden, cfg.initStd)]);
  const logits = gemm(b, p, pooled, "classifier", cfg.hidden, cfg.classes, cfg.initStd);
  logits.type = { kind: "tensor", dtype: DataType.FLOAT, shape: ["batch", cfg.classes] };
  b.output(logits, "logits");
}

/** Word + position (0..S-1) + token-type-0 embeddings, then LayerNorm. */
function embeddings(b: GraphBuilder, p: Params, cfg: BertConfig, ids: Value): Value {
  const pre = "bert.embeddings";
  const init = bertWeight(cfg.initStd);
  const words = p.add(`${pre}.word_embeddings.weight`, [cfg.vocab, cfg.hidden], init);
  const positions = p.add(`${pre}.position_embeddings.weight`, [cfg.maxPositions, cfg.hidden], init);
  const types = p.add(`${pre}.token_type_embeddings.weight`, [cfg.typeVocab, cfg.hidden], init);
  const seqLen = b.op("Shape", [ids], { start: 1, end: 2 }); // [S], 1-D: Slice's `ends`
  const zero = b.ints([0], "zero_1d");
  const pos = b.op("Slice", [positions, zero, seqLen, zero]); // rows 0..S-1 along axis 0
  const type0 = b.op("Gather", [types, b.constant([0], [], DataType.INT64, "token_type_0")], { axis: 0 });
  const sum = b.op("Add", [b.op("Add", [b.op("Gather", [words, ids], { axis: 0 }), type0]), pos]);
  return layerNorm(b, p, sum, `${pre}.LayerNorm`, cfg.hidden, LN_EPSILON);
}

/** (1 - mask) * -10000 as float, shaped [B,1,1,S] to broadcast over heads and query positions. */
function additiveMask(b: GraphBuilder, mask: Value, one: Value): Value {
  const m = b.op("Cast", [b.op("Unsqueeze", [mask, b.ints([1, 2], "mask_axes")])], { to: DataType.FLOAT });
  return b.op("Mul", [b.op("Sub", [one, m]), b.constant([-10000], [], DataType.FLOAT, "mask_fill")]);
}
