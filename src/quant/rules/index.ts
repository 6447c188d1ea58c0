// Per-op quantization rules for static int8 (QDQ and QOperator), in one explicit table.

import type { QuantRule } from "./rule.js";
import type { Node } from "../../ir/node.js";
import type { Graph } from "../../ir/graph.js";
import { opKey } from "../../ops/op-key.js";

const constantInput = (i: number, what: string) => (n: Node, g: Graph) => (g.constantValue(n.input(i)) ? null : `${what} is not a constant initializer`);
const movement: QuantRule = { activations: [0], output: "input" };
const elementwise: QuantRule = { activations: "all", output: "own" };

/** Keyed by opKey: every rule is for a default-domain op. */
export const QUANT_RULES: Readonly<Record<string, QuantRule>> = {
  Conv: { anchor: true, activations: [0], weight: { index: 1, axis: () => 0 }, bias: 2, output: "own", check: constantInput(1, "the weight") },
  // ConvTranspose weights are [Cin, Cout/group, ...]: per-channel along axis 1 only without groups.
  ConvTranspose: {
    anchor: true,
    activations: [0],
    weight: { index: 1, axis: (n) => (n.getInt("group", 1) === 1 ? 1 : null) },
    bias: 2,
    output: "own",
    check: constantInput(1, "the weight"),
  },
  Gemm: {
    anchor: true,
    activations: [0],
    weight: { index: 1, axis: (n) => (n.getInt("transB", 0) ? 0 : 1) },
    bias: 2,
    output: "own",
    check: (n, g) => {
      if (n.getInt("transA", 0)) return "transA=1 is not supported by int8 Gemm kernels";
      if (n.getFloat("beta", 1) !== 1 && n.input(2)) return "beta ≠ 1 with a bias";
      return constantInput(1, "the weight")(n, g);
    },
  },
  // MatMul: a constant B is a weight (per column when per-channel); two activations (attention) are both quantized.
  MatMul: { anchor: true, activations: [0, 1], weight: { index: 1, axis: () => -1 }, output: "own" },
  Add: elementwise,
  Mul: elementwise,
  Concat: elementwise,
  AveragePool: { activations: [0], output: "own" },
  GlobalAveragePool: { activations: [0], output: "own" },
  Sigmoid: { activations: [0], output: "own" },
  LeakyRelu: { activations: [0], output: "own" },
  // Relu/Clip right after a quantized op are removed instead (see plan.ts); elsewhere they are quantized.
  Relu: { activations: [0], output: "own" },
  Clip: { activations: [0], output: "own" },
  MaxPool: { ...movement, check: (n) => (n.outputs.length > 1 && n.outputs[1]!.uses.length ? "its Indices output is used" : null) },
  Resize: movement,
  Reshape: movement,
  Transpose: movement,
  Flatten: movement,
  Squeeze: movement,
  Unsqueeze: movement,
  Split: movement,
  Slice: movement,
  Softmax: { activations: [0], output: "own", optIn: true },
  LayerNormalization: { activations: [0], output: "own", optIn: true },
  Gelu: { activations: [0], output: "own", optIn: true },
  Erf: { activations: [0], output: "own", optIn: true },
};

export const QUANTIZABLE_OPS = Object.keys(QUANT_RULES);

export function quantRule(node: Node): QuantRule | undefined {
  const k = opKey(node.opType, node.domain);
  return Object.hasOwn(QUANT_RULES, k) ? QUANT_RULES[k] : undefined;
}
