// Names int8 kernel saturation as the cause when it is one: the model has s8 weight pairs past
// the limit, the runtime's kernels clip pair sums (probed), and the output on this machine is
// clearly worse than the same Q/DQ graph computed in float predicts.

import type { Model } from "../ir/model.js";
import type { Dataset } from "../data/dataset.js";
import type { Runtime } from "../runtime/runtime.js";
import { weightPairReport } from "../quant/pair-check.js";
import { PAIR_LIMIT } from "../quant/target.js";
import { probeInt8Kernels } from "../quant/kernel-probe.js";
import { compareModels, type CompareReport } from "./compare.js";

export interface KernelCheck {
  worstPair: number;
  saturatingKernels: boolean;
  /** Output SQNR of the Q/DQ graph run unfused, as float math (what a non-saturating kernel gives). */
  predictedSqnrDb?: number;
  warning?: string;
}

/** Gap (dB) between prediction and measurement that counts as "much worse". */
const GAP_DB = 3;

export async function checkKernels(float: Model, candidate: Model, ds: Dataset, measured: CompareReport, opts: { samples: number; runtime?: Runtime }): Promise<KernelCheck> {
  const pairs = weightPairReport(candidate, PAIR_LIMIT);
  if (pairs.worst <= PAIR_LIMIT) return { worstPair: pairs.worst, saturatingKernels: false };
  const saturatingKernels = (await probeInt8Kernels(opts.runtime)).some((p) => p.saturates);
  if (!saturatingKernels) return { worstPair: pairs.worst, saturatingKernels };
  const hasQdq = candidate.graph.nodes.some((n) => n.opType === "DequantizeLinear");
  const fix = "quantize with --target portable (the default) or --weight-type uint8";
  if (!hasQdq) {
    return { worstPair: pairs.worst, saturatingKernels, warning: `int8 kernel saturation possible on this CPU: ${pairs.over.length} s8 weight(s) have same-sign pairs up to ${pairs.worst} (> ${PAIR_LIMIT}) and this CPU's u8×s8 kernels clip pair sums in int16; ${fix}` };
  }
  const predicted = await compareModels(float, candidate, ds, { samples: opts.samples, runtime: opts.runtime, candidateOptimization: "disabled" });
  const gap = predicted.sqnrDb - measured.sqnrDb;
  const top1Gap = (predicted.top1Agreement ?? 0) - (measured.top1Agreement ?? 0);
  const r: KernelCheck = { worstPair: pairs.worst, saturatingKernels, predictedSqnrDb: predicted.sqnrDb };
  if (gap >= GAP_DB || top1Gap > 0.01) {
    r.warning = `int8 kernel saturation on this CPU: output SQNR ${measured.sqnrDb.toFixed(1)} dB where the same Q/DQ graph computed in float gives ${predicted.sqnrDb.toFixed(1)} dB (s8 weight pairs reach ${pairs.worst} > ${PAIR_LIMIT}; u8×s8 kernels without VNNI clip pair sums in int16); ${fix}`;
  }
  return r;
}
