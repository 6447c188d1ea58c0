// Gradient clipping by the global L2 norm over every gradient (torch.nn.utils.clip_grad_norm_):
// all gradients are scaled by min(1, maxNorm / norm), so their direction is kept.

import type { Value } from "../../ir/value.js";
import type { Emitter } from "../../autodiff/emitter.js";
import { DataType } from "../../ir/dtype.js";
import { QuantaError } from "../../errors.js";

export interface ClippedGradients {
  grads: Value[];
  /** The global norm before clipping (a float scalar), worth logging. */
  norm: Value;
}

export function clipByGlobalNorm(b: Emitter, grads: readonly Value[], maxNorm: number): ClippedGradients {
  if (!(maxNorm > 0)) throw new QuantaError(`the clipping norm must be > 0, got ${maxNorm}`, 2);
  const F = DataType.FLOAT;
  // ReduceSumSquare without axes reduces everything at every opset.
  const squares = grads.map((g) => b.op("ReduceSumSquare", [g], { keepdims: 0 }));
  const norm = b.op("Sqrt", [b.sum(squares)]);
  // A zero norm gives maxNorm/0 = inf, and min(1, inf) = 1: no special case needed.
  const scale = b.op("Min", [b.scalar(1, F), b.div(b.scalar(maxNorm, F), norm)]);
  return { grads: grads.map((g) => b.mul(g, scale)), norm };
}
