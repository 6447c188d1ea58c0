// Where a reference builder gets its weights. The same architecture code runs in two modes:
// materialized (seeded random initializers) or shapes-only (each weight becomes a graph input
// of the right shape), so parameter counts come from the real graph code without spending
// seconds and hundreds of MB on bert-base's weights.

import type { GraphBuilder } from "../ir/builder.js";
import type { Value } from "../ir/value.js";
import { DataType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { Rng } from "./prng.js";

export type Init =
  | { kind: "normal"; mean: number; std: number }
  | { kind: "uniform"; lo: number; hi: number }
  | { kind: "fill"; value: number };

/** Trainable parameters versus buffers (BatchNorm running statistics), as PyTorch counts them. */
export type ParamRole = "trainable" | "buffer";

export interface ParamTally {
  /** Elements of trainable parameters. */
  trainable: number;
  /** Elements of buffers. */
  buffers: number;
}

export class Params {
  readonly tally: ParamTally = { trainable: 0, buffers: 0 };

  constructor(
    private readonly builder: GraphBuilder,
    private readonly opts: { seed: number; shapesOnly?: boolean },
  ) {}

  /** A float32 weight named `name` (PyTorch state-dict style; the name also seeds its values). */
  add(name: string, dims: number[], init: Init, role: ParamRole = "trainable"): Value {
    const size = dims.reduce((a, d) => a * d, 1);
    if (role === "trainable") this.tally.trainable += size;
    else this.tally.buffers += size;
    if (this.opts.shapesOnly) return this.builder.input(name, DataType.FLOAT, dims);
    const data = fill(new Float32Array(size), init, Rng.forStream(this.opts.seed, name));
    // fromBytes wraps without copying: fromArray would copy bert-base's 440 MB once more.
    return this.builder.initializer(name, Tensor.fromBytes(DataType.FLOAT, dims, new Uint8Array(data.buffer)));
  }
}

function fill(out: Float32Array, init: Init, rng: Rng): Float32Array {
  switch (init.kind) {
    case "normal":
      return rng.fillNormal(out, init.mean, init.std);
    case "uniform":
      return rng.fillUniform(out, init.lo, init.hi);
    case "fill":
      return out.fill(init.value);
  }
}
