// Turns an architecture (graph code over a builder and a weight source) into a model, either
// with seeded weights or shapes-only for counting.

import { createModel, type GraphBuilder } from "../ir/builder.js";
import type { Model } from "../ir/model.js";
import { Params, type ParamTally } from "./params.js";

export const DEFAULT_SEED = 0;
export const ZOO_OPSET = 17;

export interface BuildOptions {
  /** Weight seed (default 0); the same seed always gives the same weights. */
  seed?: number;
  /** Weights become graph inputs instead of initializers: for counting, not for running. */
  shapesOnly?: boolean;
}

export type Architecture<C> = (b: GraphBuilder, p: Params, cfg: C) => void;

export function assemble<C>(name: string, arch: Architecture<C>, cfg: C, opts: BuildOptions = {}): { model: Model; tally: ParamTally } {
  const seed = opts.seed ?? DEFAULT_SEED;
  const { model, builder } = createModel({ opset: ZOO_OPSET, name });
  const params = new Params(builder, { seed, shapesOnly: opts.shapesOnly });
  arch(builder, params, cfg);
  model.docString = `${name}, seeded random weights (seed ${seed}); built by quanta's zoo`;
  model.metadata.push(["quanta.zoo.architecture", name], ["quanta.zoo.seed", String(seed)]);
  return { model, tally: params.tally };
}
