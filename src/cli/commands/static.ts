import type { Command } from "commander";
import { quantizeStatic, type StaticQuantReport } from "../../quant/static.js";
import { staticConfig } from "../../quant/config.js";
import { QTYPES, type QType } from "../../quant/qtype.js";
import { OBSERVER_KINDS, type ObserverKind } from "../../calib/index.js";
import { openDataset } from "../../data/open-dataset.js";
import { randomDataset } from "../../data/random-dataset.js";
import { addDataOptions, dataOptions, type DataFlags } from "../data-flags.js";
import { oneOf, positiveInt } from "../options.js";
import { TARGETS, TARGET_HELP, type Target } from "../../quant/target.js";
import { addTransformOptions, printTransform, runTransform, verificationData, type TransformFlags } from "../transform.js";
import { progressBar } from "../progress.js";
import { QuantaError } from "../../errors.js";

interface StaticFlags extends TransformFlags, DataFlags {
  data?: string;
  samples: number;
  calibrate: ObserverKind;
  percentile: number;
  format: "qdq" | "qop";
  activationType: QType;
  weightType: QType;
  target: Target;
  symmetric?: boolean;
  perChannel: boolean;
  perChannelMatmul?: boolean;
  ops?: string;
  exclude?: string;
  quantizeAll?: boolean;
  fuseActivations: boolean;
  batch: number;
}

const HELP = `
Calibration runs --samples inputs from --data through the float model and records each
activation's range with the chosen observer (ranges only: activations are never stored).
--data random calibrates on random inputs: the ranges then mean nothing for real data, so use it
for speed benchmarks only. BatchNorm is folded first; Relu/Clip after a quantized op vanish into
its output's saturation. Quantized by default: Conv, ConvTranspose, Gemm, MatMul, Add, Mul,
Concat, pools, Relu/Clip/LeakyRelu/Sigmoid, Resize and shape ops; Softmax, LayerNormalization,
GELU stay float unless --quantize-all.
${TARGET_HELP}`;

export function registerStatic(program: Command): void {
  const cmd = program
    .command("static")
    .description("Post-training static int8 quantization calibrated on a representative dataset (QDQ or QOperator).")
    .argument("<model>", "float ONNX model")
    .option("-o, --output <file>", "where to write the quantized model")
    .option("--data <dataset>", "representative data for calibration, or 'random' (benchmarks only)")
    .option("--samples <n>", "calibration samples", positiveInt("--samples"), 100)
    .option("--calibrate <observer>", `range observer: ${OBSERVER_KINDS.join(", ")}`, oneOf("--calibrate", OBSERVER_KINDS), "minmax")
    .option("--percentile <p>", "percentile for --calibrate percentile", (v) => {
      const p = Number(v);
      if (!(p > 50 && p <= 100)) throw new QuantaError(`--percentile must be in (50, 100], got "${v}"`, 2);
      return p;
    }, 99.99)
    .option("--format <f>", "qdq (QuantizeLinear/DequantizeLinear pairs) or qop (QLinearConv, QLinearMatMul, …)", oneOf("--format", ["qdq", "qop"] as const), "qdq")
    .option("--activation-type <t>", `activation type: ${QTYPES.join(", ")} (16-bit needs opset 21)`, oneOf("--activation-type", QTYPES), "uint8")
    .option("--weight-type <t>", `weight type: ${QTYPES.join(", ")}`, oneOf("--weight-type", QTYPES), "int8")
    .option("--target <t>", `where the model runs: ${TARGETS.join(", ")} (table below)`, oneOf("--target", TARGETS), "portable")
    .option("--symmetric", "symmetric activation ranges (zero point at the middle)")
    .option("--no-per-channel", "one scale per Conv/Gemm weight instead of one per output channel")
    .option("--per-channel-matmul", "per-column scales for MatMul weights too")
    .option("--ops <list>", "comma-separated op types to quantize, wherever they stand (default: Conv, Gemm, MatMul and the ops beside them)")
    .option("--exclude <list>", "comma-separated op types or node names to keep float")
    .option("--quantize-all", "also quantize Softmax, LayerNormalization and GELU, and ops away from any Conv/Gemm/MatMul")
    .option("--no-fuse-activations", "keep Relu/Clip nodes instead of folding them into saturation")
    .option("--batch <n>", "calibration batch size when the batch dim is symbolic", positiveInt("--batch"), 16)
    .addHelpText("after", HELP);
  addDataOptions(addTransformOptions(cmd, 8)).action(async (input: string, f: StaticFlags) => {
    if (!f.data) throw new QuantaError("pass --data <dataset> with representative inputs (or --data random for a speed benchmark)", 2);
    const config = staticConfig({
      format: f.format,
      activationType: f.activationType,
      weightType: f.weightType,
      target: f.target,
      symmetricActivations: !!f.symmetric,
      perChannel: f.perChannel,
      perChannelMatMul: !!f.perChannelMatmul,
      ops: f.ops ? f.ops.split(",").map((s) => s.trim()) : null,
      exclude: f.exclude ? f.exclude.split(",").map((s) => s.trim()) : [],
      quantizeAll: !!f.quantizeAll,
      fuseActivations: f.fuseActivations,
    });
    let report: StaticQuantReport | undefined;
    const warnings: string[] = [];
    const r = await runTransform(
      input,
      f,
      async (m) => {
        const ds = f.data === "random" ? randomDataset(m, f.samples, f.dim) : await openDataset(f.data!, dataOptions(f));
        if (f.data === "random") warnings.push("calibrated on random inputs: fine for speed benchmarks, meaningless for accuracy");
        const total = Math.min(ds.size, f.samples);
        const bar = progressBar("calibrate", total, { quiet: f.json });
        report = await quantizeStatic(m, ds, {
          config,
          calibration: { observer: f.calibrate, observerOptions: { percentile: f.percentile }, samples: f.samples, batchSize: f.batch, onProgress: (d) => bar.update(d) },
        });
        bar.stop();
        const count = Object.values(report.quantizedNodes).reduce((a, b) => a + b, 0) + (report.materialized.tables ?? 0);
        return {
          warnings: [...warnings, ...report.warnings],
          notes: [...(ds.notes ?? [])],
          ...(count === 0 ? { nothingDone: nothingQuantized(report) } : {}),
        };
      },
      (float) => verificationData(float, f.data, dataOptions(f), f.verify, f.dim),
      { verb: "quantized", tryInstead: "another --calibrate (entropy, percentile, mse), more real --data, or --exclude the layers that suffer (compare --per-layer)" },
    );
    if (f.json) return void process.stdout.write(JSON.stringify({ ...r, quantization: report }, null, 2) + "\n");
    const q = report!;
    printTransform(r, [
      `quantized ${Object.entries(q.quantizedNodes).map(([k, v]) => `${v} ${k}`).join(", ") || "no op"}; ${q.materialized.fusedActivations} Relu/Clip folded; ${q.skipped.length} node(s) left float`,
      `calibrated ${q.calibration.tensors} tensors with ${q.calibration.observer} on ${q.calibration.samples} samples in ${(q.calibration.ms / 1000).toFixed(2)} s` +
        (q.qop ? `; QOperator: ${Object.entries(q.qop.converted).map(([k, v]) => `${v} ${k}`).join(", ")}` : ""),
    ]);
  });
}

/** Why a static run quantized nothing, from the plan's skips. */
function nothingQuantized(q: StaticQuantReport): string {
  const nested = Object.entries(q.leftInSubgraphs);
  if (nested.length) {
    return `its quantizable ops (${clipList(nested.map(([k, v]) => `${v} ${k}`))}) are inside If/Loop/Scan bodies, where calibration does not run; \`quanta dynamic\` quantizes their weights`;
  }
  // Grouped by reason, so the line stays short however many op types there are.
  const byReason = new Map<string, Map<string, number>>();
  for (const s of q.skipped) {
    const ops = byReason.get(s.reason) ?? new Map<string, number>();
    ops.set(s.op, (ops.get(s.op) ?? 0) + 1);
    byReason.set(s.reason, ops);
  }
  if (byReason.size === 0) return "the main graph has no op static quantization handles";
  const why = [...byReason].map(([reason, ops]) => `${clipList([...ops].map(([op, n]) => `${n} ${op}`))}: ${reason}`);
  return `no op was selected (${why.slice(0, 2).join("; ")}${why.length > 2 ? `; ${why.length - 2} more reason(s)` : ""})`;
}

/** The first few entries of a list, and how many more. */
function clipList(items: string[], keep = 3): string {
  return items.length <= keep ? items.join(", ") : `${items.slice(0, keep).join(", ")} and ${items.length - keep} more`;
}
