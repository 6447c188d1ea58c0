// Reference models built in code with seeded random weights: real architectures to quantize
// and test against without downloading anything.

import type { Model } from "../ir/model.js";
import { QuantaError } from "../errors.js";
import { CATALOG, type CatalogEntry } from "./catalog.js";
import { countInitializers } from "./count.js";

export { buildResNet, RESNET18, type ResNetConfig } from "./resnet.js";
export { buildBert, BERT_BASE, type BertConfig } from "./bert.js";
export { RESNET_TINY, BERT_TINY } from "./catalog.js";
export { DEFAULT_SEED, type BuildOptions } from "./assemble.js";
export { countInitializers, type InitializerCount } from "./count.js";

export interface ZooInfo {
  name: string;
  description: string;
  /** Trainable parameters, as PyTorch's sum(p.numel() for p in model.parameters()). */
  trainableParams: number;
  /** Buffer elements (BatchNorm running mean and variance). */
  bufferElements: number;
  /** Every initializer element: parameters, buffers and the graph's small constants. */
  initializerElements: number;
}

export function zooNames(): string[] {
  return [...CATALOG.keys()];
}

export function buildZooModel(name: string, opts: { seed?: number } = {}): Model {
  return entry(name).build({ seed: opts.seed }).model;
}

/** Describes a zoo model without generating its weights (counts come from a shapes-only build). */
export function zooInfo(name: string): ZooInfo {
  const e = entry(name);
  const { model, tally } = e.build({ shapesOnly: true });
  const constants = countInitializers(model).total; // shapes-only: only constants are initializers
  return {
    name,
    description: e.description,
    trainableParams: tally.trainable,
    bufferElements: tally.buffers,
    initializerElements: tally.trainable + tally.buffers + constants,
  };
}

function entry(name: string): CatalogEntry {
  const e = CATALOG.get(name);
  if (!e) throw new QuantaError(`unknown zoo model "${name}"; choose one of: ${zooNames().join(", ")}`, 2);
  return e;
}
