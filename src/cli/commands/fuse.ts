import type { Command } from "commander";
import { runPasses } from "../../passes/pass.js";
import { preparePipeline } from "../../quant/pipelines.js";
import { formatRuleReports, type RuleReport } from "../../passes/fusion/rule.js";
import { addDataOptions, dataOptions, type DataFlags } from "../data-flags.js";
import { addTransformOptions, printTransform, runTransform, verificationData, type TransformFlags } from "../transform.js";

interface FuseFlags extends TransformFlags, DataFlags {
  activations?: boolean;
  verbose?: boolean;
  data?: string;
}

export function registerFuse(program: Command): void {
  const cmd = program
    .command("fuse")
    .description("Fold BatchNorm into Conv/Gemm weights, MatMul+Add → Gemm, drop Identity/Dropout, fold constants.")
    .argument("<model>", "float ONNX model")
    .option("-o, --output <file>", "where to write the fused model")
    .option("--activations", "also fuse Conv/Gemm + Relu/Clip/… into com.microsoft FusedConv/FusedGemm (ONNX Runtime only)")
    .option("--verbose", "list every candidate that was not fused, with the reason")
    .option("--data <dataset>", "samples for verification (default: random inputs)");
  addDataOptions(addTransformOptions(cmd, 4)).action(async (input: string, f: FuseFlags) => {
    let reports: RuleReport[] = [];
    let records: Awaited<ReturnType<typeof runPasses>>["records"] = [];
    const r = await runTransform(
      input,
      f,
      async (m) => {
        const res = await runPasses(m, preparePipeline({ fusion: { activations: f.activations, onReport: (x) => (reports = [...reports, ...x]) } }));
        records = res.records;
        return {};
      },
      (float) => verificationData(float, f.data, dataOptions(f), f.verify, f.dim),
      { verb: "fused", tryInstead: "without --activations (fusion should not change results: please report the model)" },
    );
    const applied = Object.fromEntries(reports.filter((x) => x.applied).map((x) => [x.rule, x.applied]));
    if (f.json) return void process.stdout.write(JSON.stringify({ ...r, applied, rules: reports, passes: records }, null, 2) + "\n");
    const summary = Object.entries(applied).map(([k, v]) => `${k} ×${v}`).join(", ") || "nothing to fuse";
    printTransform(r, [`applied: ${summary}`, ...(f.verbose ? formatRuleReports(reports) : [])]);
  });
}
