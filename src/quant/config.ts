// The one validated, read-only configuration of a static quantization run, built from CLI flags
// or API arguments in one place.

import type { QType } from "./qtype.js";
import type { Target } from "./target.js";
import { QuantaError } from "../errors.js";

export type QuantFormat = "qdq" | "qop";

export interface StaticQuantConfig {
  readonly format: QuantFormat;
  readonly activationType: QType;
  readonly weightType: QType;
  /** Where the model will run: sets the int8 weight encoding (see target.ts). */
  readonly target: Target;
  readonly symmetricActivations: boolean;
  /** Per-channel weights for Conv/ConvTranspose/Gemm (ORT's int8 kernels support it). */
  readonly perChannel: boolean;
  /** Per-column weights for MatMul too. */
  readonly perChannelMatMul: boolean;
  /** Op types to quantize (default: every op with a rule, opt-in ops only with quantizeAll). */
  readonly ops: readonly string[] | null;
  /** Op types or node names to keep float. */
  readonly exclude: readonly string[];
  readonly quantizeAll: boolean;
  /** Remove Relu/Clip after quantized ops, letting saturation do their work. */
  readonly fuseActivations: boolean;
}

export function staticConfig(o: Partial<StaticQuantConfig> = {}): StaticQuantConfig {
  const c: StaticQuantConfig = {
    format: o.format ?? "qdq",
    activationType: o.activationType ?? "uint8",
    weightType: o.weightType ?? "int8",
    target: o.target ?? "portable",
    symmetricActivations: o.symmetricActivations ?? false,
    perChannel: o.perChannel ?? true,
    perChannelMatMul: o.perChannelMatMul ?? false,
    ops: o.ops ?? null,
    exclude: o.exclude ?? [],
    quantizeAll: o.quantizeAll ?? false,
    fuseActivations: o.fuseActivations ?? true,
  };
  if (c.format === "qop" && (c.activationType.endsWith("16") || c.weightType.endsWith("16"))) {
    throw new QuantaError("16-bit types need the QDQ format (--format qdq)", 2);
  }
  if (c.weightType.endsWith("16") !== c.activationType.endsWith("16") && c.format === "qop") {
    throw new QuantaError("QOperator kernels need 8-bit weights and activations", 2);
  }
  return Object.freeze(c);
}
