import type { Command } from "commander";
import { convertModelToFloat16, type Float16Stats } from "../../fp16/index.js";
import { addDataOptions, dataOptions, type DataFlags } from "../data-flags.js";
import { addTransformOptions, printTransform, runTransform, verificationData, type TransformFlags } from "../transform.js";

interface Fp16Flags extends TransformFlags, DataFlags {
  keepIoTypes?: boolean;
  block?: string;
  data?: string;
}

const HELP = `
Float16 halves the file and suits GPU targets (WebGPU, CUDA, DirectML). CPUs here have no fast
float16 kernels: ONNX Runtime on CPU upcasts internally, so expect the same or lower CPU speed —
the gain on CPU is file size only. Ops without float16 semantics (Range, random ops, Q/DQ, …) and
inputs that must stay float32 (Resize scales) are kept float32 with Casts around them; weights
beyond ±65504 are clamped and counted.`;

export function registerFp16(program: Command): void {
  const cmd = program
    .command("fp16")
    .description("Convert float32 weights and ops to float16 (GPU targets; half the file size).")
    .argument("<model>", "float32 ONNX model")
    .option("-o, --output <file>", "where to write the float16 model")
    .option("--keep-io-types", "keep float32 graph inputs and outputs (Casts at the boundary)")
    .option("--block <ops>", "comma-separated extra op types to keep float32")
    .option("--data <dataset>", "samples for verification (default: random inputs)")
    .addHelpText("after", HELP);
  addDataOptions(addTransformOptions(cmd, 4)).action(async (input: string, f: Fp16Flags) => {
    let stats: Float16Stats | undefined;
    const r = await runTransform(
      input,
      f,
      async (m) => {
        stats = convertModelToFloat16(m, { keepIoTypes: !!f.keepIoTypes, blockOps: f.block ? f.block.split(",").map((s) => s.trim()) : [] });
        const warnings = stats.clampedValues ? [`${stats.clampedValues} weight value(s) beyond ±65504 were clamped to the float16 range`] : [];
        return { warnings };
      },
      (float) => verificationData(float, f.data, dataOptions(f), f.verify, f.dim),
    );
    if (f.json) return void process.stdout.write(JSON.stringify({ ...r, fp16: stats }, null, 2) + "\n");
    const s = stats!;
    printTransform(r, [
      `converted ${s.convertedInitializers} initializer(s) and ${s.convertedConstants} constant(s); ${s.keptFloat32Ops} op(s) kept float32, ${s.castsInserted} Cast(s) inserted; ${s.clampedValues} value(s) clamped, ${s.underflowedValues} underflowed to 0`,
    ]);
  });
}
