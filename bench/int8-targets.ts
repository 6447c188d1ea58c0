// `npm run bench -- targets`: what each int8 weight encoding gives on THIS CPU, next to what the
// same Q/DQ graph computes in float (ORT optimizations off: Q/DQ as float math, which is what a
// CPU whose int8 kernels never saturate — VNNI, AMX, ARM, wasm — computes up to rounding).

import { loadModel } from "../src/ir/serde/load.js";
import { openDataset } from "../src/data/open-dataset.js";
import { randomDataset } from "../src/data/random-dataset.js";
import type { Dataset } from "../src/data/dataset.js";
import { evaluateAccuracy } from "../src/evaluate/accuracy.js";
import { compareModels } from "../src/verify/compare.js";
import { planInputs, randomFeeds } from "../src/evaluate/random-inputs.js";
import { interleavedLatency } from "./interleaved.js";
import { writeVariant, type PtqCase } from "./ptq.js";

export interface TargetRow {
  model: string;
  variant: string;
  fp32Top1?: number;
  top1?: number;
  /** Top-1 of the same graph with Q/DQ computed in float (a non-saturating CPU). */
  predictedTop1?: number;
  sqnrDb: number;
  predictedSqnrDb: number;
  ratio1: number;
}

const VARIANTS: { variant: string; args: (c: PtqCase) => string[]; bert?: boolean }[] = [
  { variant: "static, --target portable (default)", args: (c) => ["static", "--data", c.calibration.data, ...c.calibration.flags] },
  { variant: "static, --target vnni (full-range s8)", args: (c) => ["static", "--target", "vnni", "--data", c.calibration.data, ...c.calibration.flags] },
  { variant: "static, --weight-type uint8", args: (c) => ["static", "--weight-type", "uint8", "--data", c.calibration.data, ...c.calibration.flags] },
  { variant: "dynamic, --target portable (default)", args: () => ["dynamic"], bert: true },
  { variant: "dynamic, --target vnni", args: () => ["dynamic", "--target", "vnni"], bert: true },
];

export async function targetRows(c: PtqCase, dir: string, log: (s: string) => void): Promise<TargetRow[]> {
  const bert = c.name.startsWith("bert");
  const paths: Record<string, string> = { fp32: c.path };
  for (const v of VARIANTS.filter((v) => !v.bert || bert)) paths[v.variant] = writeVariant(c, dir, v, log, "targets-").path;
  const models = Object.fromEntries(Object.entries(paths).map(([k, p]) => [k, loadModel(p)]));
  const fp32 = models.fp32!;
  const dims = Object.fromEntries(Object.entries(c.dims).filter(([k]) => fp32.graph.inputs.some((v) => v.shape?.includes(k))));
  const feeds = randomFeeds(fp32, planInputs(fp32, dims).inputs);
  const lat = await interleavedLatency(Object.entries(models).map(([name, model]) => ({ name, model })), feeds, { threads: 1, runs: c.runs });
  const evalDs: Dataset | undefined = c.eval ? await openDataset(c.eval.data, c.eval.options) : undefined;
  const cmpDs = evalDs ?? randomDataset(fp32, 32, dims);
  const fp32Top1 = evalDs ? (await evaluateAccuracy(fp32, evalDs)).accuracy : undefined;
  const rows: TargetRow[] = [];
  for (const [variant, model] of Object.entries(models)) {
    if (variant === "fp32") continue;
    log(`  ${c.name}: accuracy/SQNR ${variant}`);
    const measured = await compareModels(fp32, model, cmpDs, { samples: 64 });
    const predicted = await compareModels(fp32, model, cmpDs, { samples: 64, candidateOptimization: "disabled" });
    rows.push({
      model: c.name,
      variant,
      ...(fp32Top1 !== undefined ? { fp32Top1, top1: (await evaluateAccuracy(model, evalDs!)).accuracy, predictedTop1: (await evaluateAccuracy(model, evalDs!, { optimizationLevel: "disabled" })).accuracy } : {}),
      sqnrDb: measured.sqnrDb,
      predictedSqnrDb: predicted.sqnrDb,
      ratio1: lat[variant]! / lat.fp32!,
    });
  }
  return rows;
}
