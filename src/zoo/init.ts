// Weight distributions for the reference models, chosen so activations stay finite and
// non-degenerate through a whole randomly initialized network.

import type { Init } from "./params.js";

export const normal = (std: number, mean = 0): Init => ({ kind: "normal", mean, std });
export const uniform = (lo: number, hi: number): Init => ({ kind: "uniform", lo, hi });
export const fill = (value: number): Init => ({ kind: "fill", value });

/** He/Kaiming normal for a layer followed by ReLU: keeps the second moment of activations. */
export const heNormal = (fanIn: number): Init => normal(Math.sqrt(2 / fanIn));

/** PyTorch's nn.Linear default, U(±1/sqrt(fan_in)): for a layer not followed by ReLU (logits). */
export const linearUniform = (fanIn: number): Init => uniform(-1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn));

/**
 * BatchNorm as a trained network leaves it: statistics and affine terms away from the identity,
 * so a quantizer cannot get away with treating BatchNormalization as a no-op.
 */
export const batchNormInit = {
  gamma: uniform(0.75, 1.25),
  beta: normal(0.1),
  mean: normal(0.1),
  var: uniform(0.5, 1.5),
  /**
   * Gamma of the BN that closes a residual branch. Small, as in trained ResNets: with gamma ~1
   * every block adds a branch as large as its input and activations grow ~1.5x per block.
   */
  residualGamma: uniform(0.2, 0.5),
} as const;

/** BERT's weight init, N(0, initializer_range): 0.02 in bert-base. */
export const bertWeight = (std: number): Init => normal(std);

/** Biases and LayerNorm get small noise, not HF's exact 0 and 1, as a trained model would have. */
export const bertNoise = {
  bias: normal(0.02),
  lnGamma: normal(0.05, 1),
  lnBeta: normal(0.02),
} as const;
