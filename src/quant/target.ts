// Deployment targets of int8 models: which weight encoding each needs so that the integer
// kernels it runs compute what the quantized graph means, and which ops it cannot run.

import { QuantaError } from "../errors.js";

export type Target = "portable" | "vnni" | "wasm";

export const TARGETS: readonly Target[] = ["portable", "vnni", "wasm"];

/**
 * x86 u8×s8 GEMM kernels without VNNI (AVX2, AVX-512 without VNNI) multiply adjacent pairs of
 * products with VPMADDUBSW and add each pair into a saturating int16. With activations up to
 * 255, two same-sign weights whose magnitudes sum past 32767 / 255 = 128 can overflow it.
 */
export const PAIR_LIMIT = Math.floor(32767 / 255);

export interface TargetInfo {
  readonly name: Target;
  readonly runs: string;
  /** Bound on same-sign weight pairs in s8 weights of int8 GEMM/Conv kernels; null = full 8 bits. */
  readonly pairLimit: number | null;
  readonly weights: string;
  /** Ops the target's runtime lacks or runs so slowly that quanta must not emit them. */
  readonly avoids: readonly string[];
  /**
   * Whether ONNX Runtime's own SkipLayerNormalization fusion (Add → LayerNormalization) is worth
   * having. Its native CPU kernel ran ~5× slower than Add + LayerNormalization on an AVX2 AMD
   * EPYC (onnxruntime-node 1.30), so native targets get the Add written as Sum, which ORT does not
   * fuse; the wasm build of the kernel was ~10% faster than the unfused pair, so wasm keeps Add.
   */
  readonly skipLayerNorm: boolean;
}

const INFO: Record<Target, TargetInfo> = {
  portable: {
    name: "portable",
    runs: "any CPU: x86 with or without VNNI, ARM, onnxruntime-web",
    pairLimit: PAIR_LIMIT,
    weights: "s8, each channel's scale widened until no two same-sign weights sum past ±128 (≈7.5 bits)",
    avoids: [],
    skipLayerNorm: false,
  },
  vnni: {
    name: "vnni",
    runs: "x86 with AVX512-VNNI, AVX-VNNI or AMX; ARM64 (int32 accumulation)",
    pairLimit: null,
    weights: "s8, full range ±127 (saturates on AVX2 / AVX-512 without VNNI)",
    avoids: [],
    skipLayerNorm: false,
  },
  wasm: {
    name: "wasm",
    runs: "onnxruntime-web (wasm): widens to int16 before multiplying, never saturates",
    pairLimit: null,
    weights: "s8, full range ±127",
    avoids: ["ConvInteger"],
    skipLayerNorm: true,
  },
};

export function targetInfo(t: Target): TargetInfo {
  return INFO[t];
}

export function parseTarget(v: string): Target {
  if (!(TARGETS as readonly string[]).includes(v)) throw new QuantaError(`--target must be one of ${TARGETS.join(", ")}, got "${v}"`, 2);
  return v as Target;
}

/** The `--help` table of targets, and why portable is the default. */
export const TARGET_HELP = `
Targets (--target): the int8 weight encoding a deployment needs.
${TARGETS.map((t) => INFO[t])
  .map((r) => `  ${r.name.padEnd(9)} ${r.runs}\n  ${"".padEnd(9)} weights: ${r.weights}${r.avoids.length ? `; avoids ${r.avoids.join(", ")}` : ""}`)
  .join("\n")}
Why portable is the default: on x86 CPUs without VNNI (AVX2, AVX-512 without VNNI) ONNX
Runtime's u8×s8 kernels add each pair of adjacent products into a saturating int16, so
255 × (127 + 127) overflows and the output is silently wrong (measured on an AVX2 AMD EPYC:
mnist-12 static output SQNR 16.1 dB with full-range weights, 40 dB portable). Keeping every
same-sign pair within ±128 costs about half a bit of weight precision on channels that need it
and nothing in speed (same kernels); u8 weights avoid it too but run a slower u8×u8 kernel.
'quanta doctor' says which kernels this CPU runs.`;
