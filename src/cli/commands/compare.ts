import type { Command } from "commander";
import { loadModel } from "../../ir/serde/load.js";
import { compareModels } from "../../verify/compare.js";
import { checkKernels } from "../../verify/kernel-check.js";
import { addDataOptions, dataOptions, type DataFlags } from "../data-flags.js";
import { positiveInt } from "../options.js";
import { progressBar } from "../progress.js";
import { verificationData, fmtDb } from "../transform.js";
import { table } from "../format.js";

interface CompareFlags extends DataFlags {
  data?: string;
  samples: number;
  perLayer?: boolean;
  json?: boolean;
}

export function registerCompare(program: Command): void {
  const cmd = program
    .command("compare")
    .description("How closely a quantized (or float16) model agrees with its float model: SQNR, max error, cosine, top-1 agreement.")
    .argument("<float>", "reference float model")
    .argument("<quantized>", "quantized or converted model")
    .option("--data <dataset>", "samples to run (default: random inputs)")
    .option("--samples <n>", "how many samples", positiveInt("--samples"), 32)
    .option("--per-layer", "also compare every quantized tensor with its float twin, worst first")
    .option("--json", "print one JSON object");
  addDataOptions(cmd).action(async (floatPath: string, quantPath: string, f: CompareFlags) => {
    const float = loadModel(floatPath);
    const quant = loadModel(quantPath);
    const { ds, random } = await verificationData(float, f.data, dataOptions(f), f.samples, f.dim);
    const bar = progressBar("compare", Math.min(ds.size, f.samples), { quiet: f.json });
    const r = await compareModels(float, quant, ds, { samples: f.samples, perLayer: f.perLayer, onProgress: (d) => bar.update(d) });
    bar.stop();
    const kernels = await checkKernels(float, quant, ds, r, { samples: f.samples });
    if (kernels.warning) r.warnings.push(kernels.warning);
    if (random) r.warnings.push("compared on random inputs; pass --data for real samples");
    const notes = ds.notes ?? [];
    if (f.json) return void process.stdout.write(JSON.stringify({ float: floatPath, quantized: quantPath, ...(notes.length ? { notes } : {}), ...r }, null, 2) + "\n");
    const lines = [
      `${quantPath} vs ${floatPath} on ${r.samples} sample(s) of ${ds.description}`,
      ...notes.map((n) => `note: ${n}`),
      table(
        ["output", "SQNR", "max abs error", "cosine", "top-1 agreement"],
        r.outputs.map((o) => [o.name, fmtDb(o.sqnrDb), o.maxAbsError.toPrecision(3), o.cosine.toFixed(5), o.top1Agreement !== undefined ? `${(100 * o.top1Agreement).toFixed(1)}%` : "-"]),
      ),
    ];
    if (r.layers) {
      const worst = [...r.layers].sort((a, b) => a.sqnrDb - b.sqnrDb);
      lines.push("", `per quantized tensor (${worst.length}), lowest SQNR first:`);
      lines.push(table(["tensor", "kind", "read by", "SQNR", "max abs error"], worst.map((l) => [l.name, l.kind, l.consumer, fmtDb(l.sqnrDb), l.maxAbsError.toPrecision(3)])));
    }
    process.stdout.write(lines.join("\n") + "\n");
    for (const w of r.warnings) process.stderr.write(`quanta: WARNING: ${w}\n`);
  });
}
