// Asks the runtime itself whether its u8×s8 integer kernels saturate: tiny models whose exact
// integer result is known run through each int8 op quanta emits. On x86 without VNNI the pair
// sums land in int16 and clip; with VNNI, on ARM and in wasm they do not.

import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor/tensor.js";
import type { Model } from "../ir/model.js";
import type { Runtime } from "../runtime/runtime.js";
import { openSession } from "../runtime/session.js";

export interface ProbeResult {
  op: string;
  /** What exact integer math gives, and what the runtime returned (both in the op's output units). */
  exact: number;
  got: number;
  saturates: boolean;
}

const K = 64; // reduction length: 32 pairs
const A = 255;
const W = 127;

function matMulInteger(): { model: Model; feeds: Record<string, unknown>; exact: number; read: (d: ArrayLike<number>) => number } {
  const { model, builder: b } = createModel({ opset: 13 });
  const a = b.input("a", DataType.UINT8, [4, K]);
  const w = b.initializer("w", Tensor.fromArray(DataType.INT8, [K, 16], new Int8Array(K * 16).fill(W)));
  b.output(b.op("MatMulInteger", [a, w]), "y");
  return { model, feeds: { a: { type: "uint8", dims: [4, K], data: new Uint8Array(4 * K).fill(A) } }, exact: A * W * K, read: (d) => d[0]! };
}

/** Output scale chosen so the exact result lands on 200 and a clipped one far below. */
function qlinear(op: "QLinearMatMul" | "QLinearConv" | "QLinearConv-depthwise"): ReturnType<typeof matMulInteger> {
  const { model, builder: b } = createModel({ opset: 13 });
  const depthwise = op === "QLinearConv-depthwise";
  const c = depthwise ? 16 : K / 4; // regular conv: 16 channels × 2×2 kernel = 64 products
  const shape = op === "QLinearMatMul" ? [4, K] : [1, c, 2, 2];
  const wDims = op === "QLinearMatMul" ? [K, 16] : depthwise ? [c, 1, 2, 2] : [8, c, 2, 2];
  const products = op === "QLinearMatMul" ? K : depthwise ? 4 : K;
  const exact = A * W * products;
  const x = b.input("x", DataType.UINT8, shape);
  const f = (v: number) => b.initializer(`f${v}_${Math.random()}`.replace(".", ""), Tensor.fromArray(DataType.FLOAT, [], [v]));
  const u8 = (v: number) => b.initializer(`u${v}_${Math.random()}`.replace(".", ""), Tensor.fromArray(DataType.UINT8, [], [v]));
  const w = b.initializer("w", Tensor.fromArray(DataType.INT8, wDims, new Int8Array(wDims.reduce((p, q) => p * q, 1)).fill(W)));
  const wzp = b.initializer("wzp", Tensor.fromArray(DataType.INT8, [], [0]));
  const opType = op === "QLinearMatMul" ? "QLinearMatMul" : "QLinearConv";
  const attrs = depthwise ? { group: c } : {};
  b.output(b.op(opType, [x, f(1), u8(0), w, f(1), wzp, f(exact / 200), u8(0)], attrs), "y");
  const n = shape.reduce((p, q) => p * q, 1);
  return { model, feeds: { x: { type: "uint8", dims: shape, data: new Uint8Array(n).fill(A) } }, exact: 200, read: (d) => d[0]! };
}

export const PROBED_OPS = ["MatMulInteger", "QLinearMatMul", "QLinearConv", "QLinearConv-depthwise"] as const;

/** Runs every probe on `runtime` (default onnxruntime-node) with one thread. */
export async function probeInt8Kernels(runtime?: Runtime): Promise<ProbeResult[]> {
  const out: ProbeResult[] = [];
  for (const op of PROBED_OPS) {
    const p = op === "MatMulInteger" ? matMulInteger() : qlinear(op);
    const s = await openSession(p.model, { runtime, threads: 1 });
    try {
      const r = await s.run(p.feeds as never);
      const got = p.read(r.y!.data as ArrayLike<number>);
      // A clipped pair sum loses at least half of 255·254; a correct kernel is off by rounding only.
      out.push({ op, exact: p.exact, got: Number(got), saturates: Math.abs(Number(got) - p.exact) > p.exact * 0.02 });
    } finally {
      await s.release();
    }
  }
  return out;
}
