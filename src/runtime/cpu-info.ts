// What this machine's CPU offers int8 kernels (Node only: reads /proc/cpuinfo where it exists).
// The path named here is inferred from the flags; kernel-probe.ts measures what really happens.

import { readFileSync } from "node:fs";
import { arch, cpus } from "node:os";

export interface CpuInfo {
  model: string;
  arch: string;
  logicalCores: number;
  /** int8-relevant features, true/false (absent = not applicable to this architecture). */
  features: Record<string, boolean>;
  /** The int8 GEMM path ONNX Runtime's MLAS takes here, in words. */
  int8Path: string;
  /** Whether u8×s8 pair sums go through a saturating int16 on this CPU (from the flags). */
  pairSaturation: boolean;
}

const X86 = { avx2: "avx2", avx512bw: "avx512bw", avx512_vnni: "avx512_vnni", avx_vnni: "avx_vnni", amx_int8: "amx_int8" } as const;
const ARM = { dotprod: "asimddp", i8mm: "i8mm" } as const;

function cpuinfoFlags(): { flags: Set<string>; model?: string } {
  try {
    const text = readFileSync("/proc/cpuinfo", "utf8");
    const line = (key: RegExp) => text.split("\n").find((l) => key.test(l))?.split(":").slice(1).join(":").trim();
    const flags = new Set((line(/^(flags|Features)\s*:/) ?? "").split(/\s+/).filter(Boolean));
    return { flags, model: line(/^model name\s*:/) };
  } catch {
    return { flags: new Set() };
  }
}

export function cpuInfo(): CpuInfo {
  const { flags, model } = cpuinfoFlags();
  const a = arch();
  const features: Record<string, boolean> = {};
  let int8Path: string;
  let pairSaturation = false;
  if (a === "x64" || a === "ia32") {
    for (const [name, flag] of Object.entries(X86)) features[name] = flags.has(flag);
    if (features.amx_int8) int8Path = "AMX tiles, int32 accumulation (no saturation)";
    else if (features.avx512_vnni || features.avx_vnni) int8Path = "VNNI VPDPBUSD, int32 accumulation (no saturation)";
    else if (features.avx2 || features.avx512bw) {
      int8Path = "VPMADDUBSW: u8×s8 pair sums in a saturating int16 (--target portable avoids it)";
      pairSaturation = true;
    } else int8Path = flags.size ? "SSE kernels (no AVX2)" : "unknown (no /proc/cpuinfo)";
  } else if (a === "arm64") {
    for (const [name, flag] of Object.entries(ARM)) features[name] = flags.has(flag);
    int8Path = features.i8mm ? "ARM i8mm, int32 accumulation" : features.dotprod ? "ARM dot product (SDOT/UDOT), int32 accumulation" : "NEON widening multiply, int32 accumulation";
  } else int8Path = "unknown architecture";
  const list = cpus();
  return { model: model ?? list[0]?.model.trim() ?? "unknown CPU", arch: a, logicalCores: list.length, features, int8Path, pairSaturation };
}

/** One line naming the CPU and its int8 features, for benchmark headers and reports. */
export function cpuSummary(c: CpuInfo = cpuInfo()): string {
  const on = Object.entries(c.features).filter(([, v]) => v).map(([k]) => k.toUpperCase());
  return `${c.logicalCores} × ${c.model} (${c.arch}${on.length ? `, ${on.join(", ")}` : ""}${c.arch === "x64" && !c.features.avx512_vnni && !c.features.avx_vnni && !c.features.amx_int8 ? ", no VNNI" : ""})`;
}
