import type { Command } from "commander";
import { quantizeQat, type QatReport } from "../../quant/qat.js";
import { staticConfig } from "../../quant/config.js";
import { OBSERVER_KINDS, type ObserverKind } from "../../calib/index.js";
import { openDataset } from "../../data/open-dataset.js";
import type { OptimizerSpec } from "../../train/optimizers/optimizer.js";
import type { ScheduleSpec } from "../../train/schedule.js";
import { addDataOptions, dataOptions, type DataFlags } from "../data-flags.js";
import { nonNegativeInt, oneOf, positiveInt } from "../options.js";
import { TARGETS, TARGET_HELP, type Target } from "../../quant/target.js";
import { addTransformOptions, printTransform, runTransform, verificationData, type TransformFlags } from "../transform.js";
import { progressBar } from "../progress.js";
import { formatCount } from "../format.js";
import { QuantaError } from "../../errors.js";
import { addTrainingOptions, optimizerSpec, type TrainingFlags, trainRunOptions } from "../training-options.js";

interface QatFlags extends TransformFlags, DataFlags, TrainingFlags {
  data?: string;
  eval?: string;
  evalLabels?: string;
  samples: number;
  calibrate: ObserverKind;
  recalibrate?: boolean;
  format: "qdq" | "qop";
  target: Target;
  perChannel: boolean;
  exclude?: string;
}

const HELP = `
Quantization-aware training, W8A8 (uint8 activations, int8 weights): the model is prepared and
planned exactly as \`quanta static\` does (BatchNorm folded into the Conv weights first, so
training updates the folded weights), activation ranges are calibrated on --samples of --data,
and QuantizeLinear→DequantizeLinear pairs are placed where static puts its Q/DQ. Weights stay
float and trainable; each step they pass through fake quantization whose per-channel scales are
recomputed from the current weights with the --target encoding the export writes. Activation
scales, zero points and weight scales are never trained. After fine-tuning (cross-entropy on the
labels of --data, as \`quanta train\`), the float weights are quantized by static's own steps
with the activation ranges training used (--recalibrate: calibrate the fine-tuned model again).
--eval reports the fake-quantized model's top-1 after each epoch.
${TARGET_HELP}`;

export function registerQat(program: Command): void {
  const cmd = program
    .command("qat")
    .description("Quantization-aware fine-tuning to a W8A8 int8 model (same QDQ/QOperator form as static).")
    .argument("<model>", "float ONNX classifier")
    .option("-o, --output <file>", "where to write the quantized model")
    .option("--data <dataset>", "labeled training data (also the calibration data)")
    .option("--eval <dataset>", "labeled data for the fake-quantized model's top-1 after each epoch")
    .option("--eval-labels <file>", "label file paired with an idx --eval image file")
    .option("--samples <n>", "calibration samples for the initial activation ranges", positiveInt("--samples"), 100)
    .option("--calibrate <observer>", `range observer: ${OBSERVER_KINDS.join(", ")}`, oneOf("--calibrate", OBSERVER_KINDS), "minmax")
    .option("--recalibrate", "calibrate the fine-tuned model again for export instead of keeping the ranges training used")
    .option("--format <f>", "qdq or qop", oneOf("--format", ["qdq", "qop"] as const), "qdq")
    .option("--target <t>", `where the model runs: ${TARGETS.join(", ")}`, oneOf("--target", TARGETS), "portable")
    .option("--no-per-channel", "one scale per Conv/Gemm weight instead of one per output channel")
    .option("--exclude <list>", "comma-separated op types or node names to keep float");
  addTrainingOptions(cmd, {
    batch: "samples per step (and calibration batch)",
    lr: "base learning rate (default 0.001 for sgd, 0.0001 for adamw: fine-tuning)",
    weightDecay: "weight decay of the float weights (default 0 for sgd, 0.01 for adamw)",
    schedule: "cosine",
    checkpointDir: "write training checkpoints to this folder",
  });
  cmd
    .option("--seed <n>", "data-order seed", nonNegativeInt("--seed"), 0)
    .addHelpText("after", HELP);
  addDataOptions(addTransformOptions(cmd, 8)).action(async (input: string, f: QatFlags) => {
    if (!f.data) throw new QuantaError("pass --data <dataset> with labeled training data", 2);
    if (f.resume && !f.checkpointDir) throw new QuantaError("--resume needs --checkpoint-dir", 2);
    const config = staticConfig({ format: f.format, target: f.target, perChannel: f.perChannel, exclude: f.exclude ? f.exclude.split(",").map((s) => s.trim()) : [] });
    let report: QatReport | undefined;
    const r = await runTransform(
      input,
      f,
      async (m) => {
        const data = await openDataset(f.data!, dataOptions(f));
        const evalData = f.eval ? await openDataset(f.eval, { ...dataOptions(f), labels: f.evalLabels, labelsLike: data }) : undefined;
        const optimizer: OptimizerSpec =
          optimizerSpec(f);
        const perEpoch = Math.floor(data.size / Math.min(f.batch, data.size));
        const total = Math.min(f.epochs * perEpoch, f.steps ?? Infinity);
        const schedule: ScheduleSpec = f.schedule === "step" ? { kind: "step", every: Math.max(1, Math.ceil((total - f.warmup) / 3)), gamma: 0.1 } : { kind: f.schedule };
        const calBar = progressBar("calibrate", Math.min(data.size, f.samples), { quiet: f.json });
        const bar = progressBar("qat", total, { quiet: f.json });
        let lastEval = "";
        try {
          report = await quantizeQat(m, data, {
            config,
            calibration: { observer: f.calibrate, samples: f.samples, batchSize: f.batch, onProgress: (d) => calBar.update(d) },
            recalibrate: !!f.recalibrate,
            train: {
              optimizer,
              lr: f.lr ?? (f.optimizer === "adamw" ? 1e-4 : 1e-3),
              schedule,
              ...trainRunOptions(f),
              eval: evalData,
              onProgress: (p) => {
                calBar.stop();
                bar.update(p.step, { epoch: `${p.epoch}/${f.epochs}`, loss: p.loss.toFixed(4), "samples/s": p.samplesPerSecond.toFixed(0), ...(lastEval ? { eval: lastEval } : {}) });
              },
              onEpoch: (e) => {
                if (e.evalAccuracy !== undefined) lastEval = `${(100 * e.evalAccuracy).toFixed(2)}%`;
              },
              onWarning: (w) => {
                if (!f.json) process.stderr.write(`\nquanta: WARNING: ${w}\n`);
              },
            },
          });
        } finally {
          calBar.stop();
          bar.stop();
        }
        return { warnings: [...report.warnings], notes: [...(data.notes ?? [])] };
      },
      (float) => verificationData(float, f.data, dataOptions(f), f.verify, f.dim),
      { verb: "quantized", tryInstead: "more --epochs or a lower --lr, another --calibrate, or --exclude the layers that suffer (compare --per-layer)" },
    );
    const q = report!;
    const { fakeQuant: _fq, ...rest } = q;
    if (f.json) return void process.stdout.write(JSON.stringify({ ...r, quantization: rest }, null, 2) + "\n");
    const t = q.train;
    printTransform(r, [
      `quantized ${Object.entries(q.quantizedNodes).map(([k, v]) => `${v} ${k}`).join(", ") || "no op"}; ${q.materialized.fusedActivations} Relu/Clip folded; ${q.skipped.length} node(s) left float`,
      `calibrated ${q.calibration.tensors} tensors with ${q.calibration.observer} on ${q.calibration.samples} samples` + (q.recalibration ? `; recalibrated the fine-tuned model on ${q.recalibration.samples}` : "; export keeps these ranges"),
      `fine-tuned ${formatCount(t.paramCount)} parameters in ${t.params.length} tensors with fake quantization: steps ${t.startStep}→${t.step} of ${t.totalSteps} (batch ${t.batchSize}), ${(t.trainMs / 1000).toFixed(1)} s, last loss ${t.lastLoss === null ? "n/a" : t.lastLoss.toFixed(4)}`,
      ...t.epochs.map((e) => `epoch ${e.epoch}: loss ${e.loss.toFixed(4)}` + (e.evalAccuracy !== undefined ? `, fake-quant eval top-1 ${(100 * e.evalAccuracy).toFixed(2)}% (${e.evalCount})` : "")),
      ...(q.qop ? [`QOperator: ${Object.entries(q.qop.converted).map(([k, v]) => `${v} ${k}`).join(", ")}`] : []),
    ]);
  });
}
