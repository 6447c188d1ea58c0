// The weighted pieces BERT is made of, each as torch.onnx exports the PyTorch module.

import type { GraphBuilder } from "../ir/builder.js";
import type { Value } from "../ir/value.js";
import type { Params } from "./params.js";
import { bertNoise, bertWeight } from "./init.js";

/** nn.Linear on a 3-D input (weights N(0, std)): MatMul with the [in, out] weight, then Add of the bias. */
export function linear(b: GraphBuilder, p: Params, x: Value, name: string, inDim: number, outDim: number, std: number): Value {
  const w = p.add(`${name}.weight`, [inDim, outDim], bertWeight(std));
  const bias = p.add(`${name}.bias`, [outDim], bertNoise.bias);
  return b.op("Add", [b.op("MatMul", [x, w]), bias]);
}

/** nn.Linear on a 2-D input: Gemm with the [out, in] weight and transB. */
export function gemm(b: GraphBuilder, p: Params, x: Value, name: string, inDim: number, outDim: number, std: number): Value {
  const w = p.add(`${name}.weight`, [outDim, inDim], bertWeight(std));
  const bias = p.add(`${name}.bias`, [outDim], bertNoise.bias);
  return b.op("Gemm", [x, w, bias], { alpha: 1, beta: 1, transB: 1 });
}

export function layerNorm(b: GraphBuilder, p: Params, x: Value, name: string, width: number, epsilon: number): Value {
  const gamma = p.add(`${name}.weight`, [width], bertNoise.lnGamma);
  const beta = p.add(`${name}.bias`, [width], bertNoise.lnBeta);
  return b.op("LayerNormalization", [x, gamma, beta], { axis: -1, epsilon });
}
