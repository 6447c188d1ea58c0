import type { Command } from "commander";
import { convertModelToFloat16, float16RangeCheck, FLOAT16_RANGE_LIMIT, type Float16RangeReport, type Float16Stats } from "../../fp16/index.js";
import { runPasses, sequential } from "../../passes/pass.js";
import { liftConstants } from "../../passes/lift-constants.js";
import { foldConstants } from "../../passes/fold-constants.js";
import { removeUnused } from "../../passes/remove-unused.js";
import { inferShapes } from "../../passes/infer-shapes.js";
import { fuse } from "../../passes/fusion/fuse.js";
import type { RuleReport } from "../../passes/fusion/rule.js";
import { DataType } from "../../ir/dtype.js";
import type { Model } from "../../ir/model.js";
import type { Graph } from "../../ir/graph.js";
import { addDataOptions, dataOptions, type DataFlags } from "../data-flags.js";
import { addTransformOptions, printTransform, runTransform, verificationData, type TransformFlags } from "../transform.js";
import { formatBytes } from "../format.js";

interface Fp16Flags extends TransformFlags, DataFlags {
  keepIoTypes?: boolean;
  block?: string;
  data?: string;
}

const HELP = `
Float16 halves the file and suits GPU targets (WebGPU, CUDA, DirectML). By default the model's
float inputs and outputs become float16 too (feed it float16 data); --keep-io-types keeps them
float32 with Casts at the boundary. CPUs here have no fast float16 kernels: ONNX Runtime on CPU
upcasts internally, so expect the same or lower CPU speed — the gain on CPU is file size only.

Before converting, BatchNorm is folded into the preceding Conv/Gemm (its running variances often
exceed float16's ±65504) and constants are folded. Ops stay float32, with Casts around them,
when they have no float16 semantics (Range, random ops, Q/DQ, …), when a constant they read holds
values beyond ±65504, or when a float32 run on the verification samples (--verify N, --data)
shows their inputs or outputs reaching ±${FLOAT16_RANGE_LIMIT} (half the range, as headroom); such
a graph input or output stays float32. Resize scales stay float32. If/Loop/Scan bodies are not
converted: those nodes run float32 with their weights.`;

export function registerFp16(program: Command): void {
  const cmd = program
    .command("fp16")
    .description("Convert float32 weights and ops to float16 (GPU targets; half the file size).")
    .argument("<model>", "float32 ONNX model")
    .option("-o, --output <file>", "where to write the float16 model")
    .option("--keep-io-types", "keep float32 graph inputs and outputs (Casts at the boundary)")
    .option("--block <ops>", "comma-separated extra op types to keep float32")
    .option("--data <dataset>", "samples for the range check and verification (default: random inputs)")
    .addHelpText("after", HELP);
  addDataOptions(addTransformOptions(cmd, 4)).action(async (input: string, f: Fp16Flags) => {
    let stats: Float16Stats | undefined;
    let folded = 0;
    let ranges: Float16RangeReport | undefined;
    const r = await runTransform(
      input,
      f,
      async (m) => {
        let fusion: RuleReport[] = [];
        await runPasses(m, sequential("fp16-prepare", [liftConstants, foldConstants(), inferShapes, fuse({ onReport: (x) => (fusion = [...fusion, ...x]) }), removeUnused]));
        folded = fusion.filter((x) => x.rule === "conv-bn-fold").reduce((a, x) => a + x.applied, 0);
        const notes: string[] = [];
        if (f.verify > 0) {
          const { ds } = await verificationData(m, f.data, dataOptions(f), f.verify, f.dim);
          ranges = await float16RangeCheck(m, ds, f.verify);
        } else notes.push("activation ranges not checked (--verify 0): only weights were checked against float16's range");
        stats = convertModelToFloat16(m, {
          keepIoTypes: !!f.keepIoTypes,
          blockOps: f.block ? f.block.split(",").map((s) => s.trim()) : [],
          keepOutOfRangeWeights: true,
          outOfRangeValues: ranges?.outOfRange.map((v) => v.name) ?? [],
        });
        const warnings = stats.clampedValues ? [`${stats.clampedValues} weight value(s) beyond ±65504 were clamped to the float16 range`] : [];
        const nested = subgraphWeights(m);
        if (nested.nodes) {
          warnings.push(
            `${nested.nodes} If/Loop/Scan node(s) run float32 with their bodies${nested.weights ? `, and the ${nested.weights} weight(s) (${formatBytes(nested.bytes)}) they read stay float32` : ""}: fp16 does not convert subgraphs`,
          );
        }
        if (stats.float32Interface.length) notes.push(`kept float32 because their values leave float16's range: ${stats.float32Interface.join(", ")}`);
        const converted = stats.convertedInitializers + stats.convertedConstants;
        return {
          warnings,
          notes,
          ...(converted === 0 ? { nothingDone: nested.weights ? `the float weights (${nested.weights}, ${formatBytes(nested.bytes)}) are inside If/Loop/Scan bodies, which fp16 does not convert (\`quanta dynamic\` quantizes weights there)` : "no weight or constant became float16" } : {}),
        };
      },
      (float) => verificationData(float, f.data, dataOptions(f), f.verify, f.dim),
      { verb: "converted", tryInstead: "--block <ops> for the ops that lose precision (see --json's fp16.keptFloat32ByOp), or --keep-io-types" },
    );
    if (f.json) return void process.stdout.write(JSON.stringify({ ...r, fp16: stats, foldedBatchNorms: folded, rangeCheck: ranges }, null, 2) + "\n");
    const s = stats!;
    printTransform(r, [
      `converted ${s.convertedInitializers} initializer(s) and ${s.convertedConstants} constant(s); ${s.keptFloat32Ops} op(s) kept float32${s.keptForRange ? ` (${s.keptForRange} for float16's range)` : ""}, ${s.castsInserted} Cast(s) inserted; ${s.clampedValues} value(s) clamped, ${s.underflowedValues} underflowed to 0` +
        (folded ? `; ${folded} BatchNorm folded first` : ""),
      `interface: ${f.keepIoTypes ? "float32 inputs and outputs (--keep-io-types)" : "float16 inputs and outputs (feed float16 data, or pass --keep-io-types)"}`,
      ...(ranges ? [`range check: ${ranges.measured} activation(s) on ${ranges.samples} sample(s), ${ranges.outOfRange.length} reaching ±${FLOAT16_RANGE_LIMIT}${ranges.outOfRange.length ? ` (largest ${ranges.outOfRange[0]!.name}: ${ranges.outOfRange[0]!.peak.toPrecision(3)})` : ""}`] : []),
    ]);
  });
}

/** If/Loop/Scan nodes of the main graph, and the float weights their bodies hold or read from outside. */
function subgraphWeights(m: Model): { nodes: number; weights: number; bytes: number } {
  const main = m.graph;
  const owners = main.nodes.filter((n) => n.subgraphs().length);
  let weights = 0;
  let bytes = 0;
  const seen = new Set<unknown>();
  const count = (t: { dtype: DataType; size: number } | undefined, key: unknown) => {
    if (!t || (t.dtype !== DataType.FLOAT && t.dtype !== DataType.FLOAT16) || seen.has(key)) return;
    seen.add(key);
    weights++;
    bytes += t.size * (t.dtype === DataType.FLOAT ? 4 : 2);
  };
  const walk = (g: Graph) => {
    for (const v of g.initializers.values()) count(v.initializer, v);
    for (const n of g.nodes) {
      for (const v of n.inputs) if (v && v.graph !== g && v.initializer) count(v.initializer, v);
      for (const sub of n.subgraphs()) walk(sub);
    }
  };
  for (const n of owners) for (const sub of n.subgraphs()) walk(sub);
  return { nodes: owners.length, weights, bytes };
}
