// The largest same-sign pair of s8 weights that one output of a u8×s8 GEMM (QLinearConv,
// QLinearMatMul, QGemm, MatMulInteger, ConvInteger, or a Q/DQ group ORT fuses into one) can
// form. Above PAIR_LIMIT, x86 kernels without VNNI may clip the pair's int16 sum.

import type { Model } from "../ir/model.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";
import { DataType } from "../ir/dtype.js";

const GEMM_OPS = new Set(["Conv", "ConvTranspose", "Gemm", "MatMul", "MatMulInteger", "ConvInteger", "QLinearConv", "QLinearMatMul"]);

/** Index of the weight input of an integer GEMM op. */
function weightIndex(n: Node): number {
  return n.opType === "QLinearConv" || n.opType === "QLinearMatMul" ? 3 : 1;
}

/** Axis whose slices are what one output sums over. */
function outputAxis(n: Node, rank: number): number {
  if (n.opType.includes("Conv")) return n.opType === "ConvTranspose" ? 1 : 0;
  if (n.opType === "Gemm") return n.getInt("transB", 0) ? 0 : 1;
  return rank - 1;
}

export interface PairReport {
  /** Largest |q₀|+|q₁| over same-sign weights of one output; 0 when there are no s8 GEMM weights. */
  worst: number;
  /** s8 GEMM weights examined, and the ones whose worst pair exceeds `limit`. */
  weights: number;
  over: string[];
}

export function weightPairReport(model: Model, limit: number): PairReport {
  const g = model.graph;
  const r: PairReport = { worst: 0, weights: 0, over: [] };
  for (const n of g.nodes) {
    if (!GEMM_OPS.has(n.opType) || (n.domain !== "" && n.domain !== "ai.onnx" && n.domain !== "com.microsoft")) continue;
    let src: Value | null = n.input(weightIndex(n));
    if (src?.producer?.opType === "DequantizeLinear") src = src.producer.input(0);
    const t = src ? g.constantValue(src) : null;
    if (!t || t.dtype !== DataType.INT8 || t.dims.length < 2) continue;
    const group = n.getInt("group", 1);
    if (n.opType.includes("Conv") && group > 1 && t.dims[1] === 1 && t.dims[0] === group) continue; // depthwise: widened to int16 first
    r.weights++;
    const worst = worstPair(t.toArray() as Int8Array, t.dims, outputAxis(n, t.dims.length));
    r.worst = Math.max(r.worst, worst);
    if (worst > limit) r.over.push(src!.name);
  }
  return r;
}

function worstPair(v: Int8Array, dims: readonly number[], axis: number): number {
  const channels = dims[axis]!;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = v.length / (inner * channels);
  let worst = 0;
  for (let c = 0; c < channels; c++) {
    let p1 = 0, p2 = 0, n1 = 0, n2 = 0;
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        const x = v[(o * channels + c) * inner + i]!;
        if (x > 0) x > p1 ? ((p2 = p1), (p1 = x)) : x > p2 && (p2 = x);
        else if (x < 0) -x > n1 ? ((n2 = n1), (n1 = -x)) : -x > n2 && (n2 = -x);
      }
    worst = Math.max(worst, p1 + p2, n1 + n2);
  }
  return worst;
}
