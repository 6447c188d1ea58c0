// The validated configuration of a dynamic quantization run.

import { QuantaError } from "../errors.js";
import { targetInfo, type Target } from "./target.js";

/**
 * What happens to Conv weights:
 * - "weight-only": int8 storage, restored as Cast(int8→float) × scale, which ONNX Runtime
 *   constant-folds when the session starts: int8 file size, fp32 speed;
 * - "dequantize": int8 storage behind a DequantizeLinear (ORT keeps DQ nodes for QDQ fusion,
 *   so it dequantizes on every run);
 * - "integer": ConvInteger with dynamically quantized inputs (much slower than fp32 on x86);
 * - "none": Conv stays float.
 */
export type ConvStrategy = "weight-only" | "dequantize" | "integer" | "none";

export const CONV_STRATEGIES: readonly ConvStrategy[] = ["weight-only", "dequantize", "integer", "none"];

export interface DynamicQuantConfig {
  readonly weightType: "int8" | "uint8";
  /** Where the model will run: sets the int8 weight encoding and the ops to avoid (target.ts). */
  readonly target: Target;
  /** Per-column MatMul/Gemm weights and per-output-channel Conv weights. */
  readonly perChannel: boolean;
  readonly conv: ConvStrategy;
  /** Store large Gather/Slice tables (embeddings) as int8 too. */
  readonly embeddings: boolean;
  /** Op types to quantize (default MatMul, Gemm, Gather, Conv, ConvTranspose, Slice). */
  readonly ops: readonly string[] | null;
  /** Op types or node names to keep float. */
  readonly exclude: readonly string[];
  /** Weights with fewer elements stay float (biases, LayerNorm: no size to win). */
  readonly minElements: number;
}

export const DYNAMIC_OPS = ["MatMul", "Gemm", "Conv", "ConvTranspose", "Gather", "Slice"] as const;

export function dynamicConfig(o: Partial<DynamicQuantConfig> = {}): DynamicQuantConfig {
  const c: DynamicQuantConfig = {
    weightType: o.weightType ?? "int8",
    target: o.target ?? "portable",
    perChannel: o.perChannel ?? false,
    conv: o.conv ?? "weight-only",
    embeddings: o.embeddings ?? true,
    ops: o.ops ?? null,
    exclude: o.exclude ?? [],
    minElements: o.minElements ?? 1024,
  };
  const unknown = (c.ops ?? []).filter((op) => !(DYNAMIC_OPS as readonly string[]).includes(op));
  if (unknown.length) throw new QuantaError(`--ops ${unknown.join(", ")}: dynamic quantization handles ${DYNAMIC_OPS.join(", ")}`, 2);
  const avoided = targetInfo(c.target).avoids;
  if (c.conv === "integer" && avoided.includes("ConvInteger")) throw new QuantaError(`--target ${c.target} has no ConvInteger kernel; use --conv weight-only or dequantize`, 2);
  return Object.freeze(c);
}
