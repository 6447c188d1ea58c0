// A quantization rule says, for one op type, what to quantize — never how. The planner reads
// rules; one later step builds the Q/DQ nodes.

import type { Node } from "../../ir/node.js";
import type { Graph } from "../../ir/graph.js";

export type OutputMode =
  /** The output gets its own calibrated scale and zero point. */
  | "own"
  /** The output shares input 0's parameters (data movement: ORT runs the op on int8 directly). */
  | "input"
  /** The output stays float. */
  | "none";

export interface WeightSpec {
  /** Input index of the constant weight. */
  index: number;
  /** Per-channel axis (output channels) for this node, or null when only per-tensor is supported. */
  axis: (node: Node) => number | null;
}

export interface QuantRule {
  /** Input indices carrying activations to quantize. */
  activations: readonly number[] | "all";
  weight?: WeightSpec;
  /** Bias input, quantized to int32 with scale = activation scale × weight scale. */
  bias?: number;
  output: OutputMode;
  /** Kept float unless the user asks for everything (--quantize-all): Softmax, LayerNorm, GELU. */
  optIn?: boolean;
  /**
   * The op int8 is for (Conv, Gemm, MatMul): quantized wherever its rule allows. Every other op is
   * quantized only when it touches a quantized op, so Q/DQ pairs can fuse into int8 kernels rather
   * than wrap a lone Add between float ops (a LayerNorm's `+ eps`, an attention mask of -1e9).
   */
  anchor?: boolean;
  /** A reason to leave this node float, or null to quantize it. */
  check?: (node: Node, graph: Graph) => string | null;
}
