// The named reference models: an architecture, its configuration and a one-line description.

import type { Model } from "../ir/model.js";
import { assemble, type BuildOptions } from "./assemble.js";
import { defineResNet, RESNET18, type ResNetConfig } from "./resnet.js";
import { defineBert, BERT_BASE, type BertConfig } from "./bert.js";
import type { ParamTally } from "./params.js";

export interface CatalogEntry {
  description: string;
  build(opts: BuildOptions): { model: Model; tally: ParamTally };
}

const resnet = (name: string, cfg: ResNetConfig, description: string): CatalogEntry => ({
  description,
  build: (opts) => assemble(name, defineResNet, cfg, opts),
});

const bert = (name: string, cfg: BertConfig, description: string): CatalogEntry => ({
  description,
  build: (opts) => assemble(name, defineBert, cfg, opts),
});

export const RESNET_TINY: ResNetConfig = { blocks: [1, 1, 1, 1], widths: [8, 16, 32, 64], inputSize: 32, classes: 10, inChannels: 3 };
// initStd scaled so each layer has bert-base's gain (0.02 * sqrt(768 / 64)): at 0.02 the tiny
// model's logits hardly depend on its input.
export const BERT_TINY: BertConfig = {
  layers: 2,
  hidden: 64,
  heads: 2,
  ffn: 128,
  vocab: 1000,
  maxPositions: 128,
  typeVocab: 2,
  classes: 2,
  initStd: 0.02 * Math.sqrt(768 / 64),
};

/** The ResNet-style Fashion-MNIST CNN quanta trains itself (models/fmnist-cnn.onnx): 28x28 gray, small stem. */
export const FMNIST_RESNET: ResNetConfig = { blocks: [1, 1, 1], widths: [16, 32, 64], inputSize: 28, classes: 10, inChannels: 1, stem: "small" };

/** The BERT-style AG News encoder quanta trains itself (models/agnews-encoder.onnx), vocabulary from scripts/prepare-agnews. */
export const AGNEWS_ENCODER: BertConfig = {
  layers: 4,
  hidden: 128,
  heads: 4,
  ffn: 512,
  vocab: 6000,
  maxPositions: 128,
  typeVocab: 2,
  classes: 4,
  initStd: 0.02 * Math.sqrt(768 / 128),
};

export const CATALOG: ReadonlyMap<string, CatalogEntry> = new Map([
  ["resnet18", resnet("resnet18", RESNET18, "torchvision ResNet-18: float input [batch,3,224,224] -> logits [batch,1000]")],
  ["resnet-tiny", resnet("resnet-tiny", RESNET_TINY, "ResNet, one BasicBlock per stage, widths 8-64: float input [batch,3,32,32] -> logits [batch,10]")],
  ["fmnist-resnet", resnet("fmnist-resnet", FMNIST_RESNET, "small ResNet (3 stages, widths 16-64, BatchNorm) for Fashion-MNIST: float input [batch,1,28,28] -> logits [batch,10]")],
  ["bert-base", bert("bert-base", BERT_BASE, "BERT-base classifier (12 layers, hidden 768): int64 input_ids, attention_mask [batch,sequence] -> logits [batch,2]")],
  ["agnews-encoder", bert("agnews-encoder", AGNEWS_ENCODER, "BERT-style encoder (4 layers, hidden 128, 4 heads, vocab 6000, learned positions) for AG News: int64 input_ids, attention_mask [batch,sequence] -> logits [batch,4]")],
  ["bert-tiny", bert("bert-tiny", BERT_TINY, "BERT classifier (2 layers, hidden 64, vocab 1000): int64 input_ids, attention_mask [batch,sequence] -> logits [batch,2]")],
]);
