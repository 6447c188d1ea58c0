import type { Command } from "commander";
import { quantizeDynamic, type DynamicReport, type DynamicQuantReport } from "../../quant/dynamic.js";
import { CONV_STRATEGIES, DYNAMIC_OPS, dynamicConfig, type ConvStrategy } from "../../quant/dynamic-config.js";
import { addDataOptions, dataOptions, type DataFlags } from "../data-flags.js";
import { oneOf } from "../options.js";
import { TARGETS, TARGET_HELP, type Target } from "../../quant/target.js";
import { addTransformOptions, printTransform, runTransform, verificationData, type TransformFlags } from "../transform.js";

interface DynamicFlags extends TransformFlags, DataFlags {
  weightType: "int8" | "uint8";
  target: Target;
  perChannel?: boolean;
  conv: ConvStrategy;
  ops?: string;
  exclude?: string;
  embeddings: boolean;
  data?: string;
}

const HELP = `
What happens to each op type:
  MatMul, Gemm   constant weight → int8 (per tensor, or per column with --per-channel); the
                 activation is quantized at run time: DynamicQuantizeLinear → MatMulInteger →
                 Cast → Mul, which ONNX Runtime fuses into its int8 DynamicQuantizeMatMul kernel.
  Gather, Slice  large constant tables (embeddings) → int8, dequantized after the lookup.
  Conv           --conv weight-only (default): int8 weights restored as Cast×scale, which ONNX
                 Runtime folds at session start: int8 file, fp32 speed. --conv dequantize: a
                 DequantizeLinear runs every inference (slower). --conv integer: ConvInteger,
                 measured ~9x slower than fp32 on AVX512 CPUs. --conv none: stays float.
  Add→LayerNorm  written as Sum (same sum) for --target portable/vnni: ONNX Runtime would fuse
                 the Add into SkipLayerNormalization, whose native CPU kernel measured ~5x slower
                 than Add + LayerNormalization (10% of a dynamic BERT-base). wasm keeps Add.
  other ops      stay float. BatchNorm is folded into Conv/Gemm weights first.
Weights under 1024 elements (biases, norms) stay float. Ops inside If/Loop/Scan bodies are
quantized too. A run that quantizes nothing writes nothing and exits 1 (--allow-bad writes the
unchanged model).
${TARGET_HELP}`;

export function registerDynamic(program: Command): void {
  const cmd = program
    .command("dynamic")
    .description("Dynamic quantization: int8 weights now, activations quantized at run time.")
    .argument("<model>", "float ONNX model")
    .option("-o, --output <file>", "where to write the quantized model")
    .option("--weight-type <t>", "int8 or uint8", oneOf("--weight-type", ["int8", "uint8"] as const), "int8")
    .option("--target <t>", `where the model runs: ${TARGETS.join(", ")} (table below)`, oneOf("--target", TARGETS), "portable")
    .option("--per-channel", "per-column MatMul/Gemm weights")
    .option("--conv <strategy>", `Conv handling: ${CONV_STRATEGIES.join(", ")}`, oneOf("--conv", CONV_STRATEGIES), "weight-only")
    .option("--ops <list>", `comma-separated op types to quantize (default ${DYNAMIC_OPS.join(",")})`)
    .option("--exclude <list>", "comma-separated op types or node names to keep float")
    .option("--no-embeddings", "keep Gather/Slice tables float")
    .option("--data <dataset>", "samples for verification (default: random inputs)")
    .addHelpText("after", HELP);
  addDataOptions(addTransformOptions(cmd, 4)).action(async (input: string, f: DynamicFlags) => {
    const config = dynamicConfig({
      weightType: f.weightType,
      target: f.target,
      perChannel: !!f.perChannel,
      conv: f.conv,
      embeddings: f.embeddings,
      ops: f.ops ? f.ops.split(",").map((s) => s.trim()) : null,
      exclude: f.exclude ? f.exclude.split(",").map((s) => s.trim()) : [],
    });
    let report: DynamicQuantReport | undefined;
    const r = await runTransform(
      input,
      f,
      async (m) => {
        const q = (report = await quantizeDynamic(m, config, { prepare: true }));
        const count = q.matmuls + q.gemms + q.convs + q.tables;
        return count === 0 ? { nothingDone: nothingQuantized(q, config.conv) } : {};
      },
      (float) => verificationData(float, f.data, dataOptions(f), f.verify, f.dim),
      { verb: "quantized", tryInstead: "--per-channel, --exclude <op or node> for the layers that suffer, or --conv none" },
    );
    if (f.json) return void process.stdout.write(JSON.stringify({ ...r, quantized: report }, null, 2) + "\n");
    const q = report!;
    const nested = q.inSubgraphs ? ` (${q.inSubgraphs} of them inside If/Loop/Scan bodies)` : "";
    const sums = q.residualSums ? `; ${q.residualSums} Add→LayerNormalization as Sum` : "";
    printTransform(r, [`quantized ${q.matmuls} MatMul, ${q.gemms} Gemm, ${q.convs} Conv, ${q.tables} embedding table(s)${nested}; ${q.skipped.length} node(s) left float${sums}`]);
  });
}

/** Why a dynamic run quantized nothing, from what it skipped. */
function nothingQuantized(q: DynamicReport, conv: ConvStrategy): string {
  if (q.skipped.length === 0) return `the model has no MatMul, Gemm${conv === "none" ? "" : ", Conv"} or embedding table (Gather/Slice on a large constant)`;
  const reasons = new Map<string, number>();
  for (const s of q.skipped) reasons.set(`${s.op}: ${s.reason}`, (reasons.get(`${s.op}: ${s.reason}`) ?? 0) + 1);
  return `every candidate was skipped (${[...reasons].map(([k, v]) => `${v}x ${k}`).join("; ")})`;
}
