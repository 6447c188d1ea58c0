import { existsSync } from "node:fs";
import type { Command } from "commander";
import { loadModel } from "../../ir/serde/load.js";
import { saveModel } from "../../ir/serde/save.js";
import type { Model } from "../../ir/model.js";
import { buildZooModel, zooNames } from "../../zoo/index.js";
import { openDataset } from "../../data/open-dataset.js";
import { openSession } from "../../runtime/session.js";
import { train, type TrainResult } from "../../train/trainer.js";
import type { OptimizerSpec } from "../../train/optimizers/optimizer.js";
import type { ScheduleSpec } from "../../train/schedule.js";
import { addDataOptions, dataOptions, type DataFlags } from "../data-flags.js";
import { addTrainingOptions, optimizerSpec, type TrainingFlags, positiveNumber, trainRunOptions } from "../training-options.js";
import { nonNegativeInt, positiveInt } from "../options.js";
import { checkOutputPath } from "../output-file.js";
import { progressBar } from "../progress.js";
import { formatBytes, formatCount } from "../format.js";
import { QuantaError } from "../../errors.js";

interface TrainFlags extends DataFlags, TrainingFlags {
  data?: string;
  eval?: string;
  evalLabels?: string;
  output?: string;
  stepSize?: number;
  gamma: number;
  logits?: string;
  params?: string;
  force?: boolean;
  json?: boolean;
}

const HELP = `
Each step runs forward (BatchNormalization in training mode), softmax cross-entropy against the
data's labels, backward and the optimizer update as one ONNX Runtime graph; small models run
several steps per call (an ONNX Loop, --steps-per-run). Data is reshuffled each epoch from --seed
and the last incomplete batch of an epoch is dropped. The preprocessing flags (and --limit) apply
to --data and --eval alike. The output is an ordinary inference model: the input graph with
trained weights and BatchNorm running statistics.

Checkpoints (--checkpoint-dir) are written at every epoch end, every --checkpoint-every steps and
at the last step; --resume continues from the latest one with the same batches and learning rates
an uninterrupted run would have used (keep --seed, --batch, --epochs/--steps and the data).

Example (a PyTorch export that expects (x/255 - 0.5) / 0.5):
  quanta train fmnist-cnn.onnx --data train-images-idx3-ubyte.gz --eval t10k-images-idx3-ubyte.gz \\
    --mean 0.5 --std 0.5 --epochs 2 --optimizer adamw --lr 1e-3 -o trained.onnx`;

export function registerTrain(program: Command): void {
  const cmd = program
    .command("train")
    .description("Train or fine-tune an ONNX classifier (or a zoo model) on labeled data, executed by ONNX Runtime.")
    .argument("<model>", `ONNX model file, or a zoo model name (${zooNames().join(", ")})`)
    .option("-o, --output <file>", "where to write the trained model")
    .option("--data <dataset>", "labeled training data (idx, .npy/.npz, image folder, JSONL/TSV/CSV text)")
    .option("--eval <dataset>", "labeled data for top-1 accuracy after each epoch (same preprocessing flags)")
    .option("--eval-labels <file>", "label file paired with an idx --eval image file");
  addTrainingOptions(cmd, {
    batch: "samples per step",
    lr: "base learning rate (default 0.01 for sgd, 0.001 for adamw)",
    weightDecay: "SGD: L2 penalty; AdamW: decoupled decay (default 0 for sgd, 0.01 for adamw)",
    schedule: "constant",
    checkpointDir: "write checkpoints to this folder",
  });
  cmd
    .option("--step-size <n>", "step schedule: steps between decays (default a third of the run)", positiveInt("--step-size"))
    .option("--gamma <g>", "step schedule: decay factor", positiveNumber("--gamma"), 0.1)
    .option("--logits <name>", "model output holding the class scores (default: the first output)")
    .option("--params <list>", "comma-separated initializers to train (default: every float weight the loss depends on)")
    .option("--seed <n>", "data-order seed (a zoo model named here starts from its seed-0 weights; for others: quanta zoo NAME --seed N -o model.onnx)", nonNegativeInt("--seed"), 0)
    .option("--force", "overwrite the output file")
    .option("--json", "print one JSON object")
    .addHelpText("after", HELP);
  addDataOptions(cmd).action(async (input: string, f: TrainFlags) => {
    if (!f.data) throw new QuantaError("pass --data <dataset> with labeled training data", 2);
    if (!f.output) throw new QuantaError("pass -o <file> to say where to write the trained model", 2);
    if (f.resume && !f.checkpointDir) throw new QuantaError("--resume needs --checkpoint-dir", 2);
    const out = checkOutputPath(f.output, { force: f.force, input });
    const model = openModel(input);
    const data = await openDataset(f.data, dataOptions(f));
    // Evaluation labels are mapped as the training labels were (1-based files, class names).
    const evalData = f.eval ? await openDataset(f.eval, { ...dataOptions(f), labels: f.evalLabels, labelsLike: data }) : undefined;
    const optimizer: OptimizerSpec =
      optimizerSpec(f);
    const perEpoch = Math.floor(data.size / Math.min(f.batch, data.size));
    const total = Math.min(f.epochs * perEpoch, f.steps ?? Infinity);
    const schedule: ScheduleSpec =
      f.schedule === "step" ? { kind: "step", every: f.stepSize ?? Math.max(1, Math.ceil((total - f.warmup) / 3)), gamma: f.gamma } : { kind: f.schedule };

    const bar = progressBar("train", total, { quiet: f.json });
    let lastEval = "";
    const t0 = performance.now();
    let r: TrainResult;
    try {
      r = await train(model, data, {
        optimizer,
        lr: f.lr,
        schedule,
        ...trainRunOptions(f),
        loss: { kind: "cross-entropy", ...(f.logits ? { output: f.logits } : {}) },
        params: f.params ? f.params.split(",").map((s) => s.trim()).filter(Boolean) : undefined,
        eval: evalData,
        onProgress: (p) => bar.update(p.step, { epoch: `${p.epoch}/${f.epochs}`, loss: p.loss.toFixed(4), "samples/s": p.samplesPerSecond.toFixed(0), ...(lastEval ? { eval: lastEval } : {}) }),
        onEpoch: (e) => {
          if (e.evalAccuracy !== undefined) lastEval = `${(100 * e.evalAccuracy).toFixed(2)}%`;
        },
        // Shown when they arise (a collapsed run can be stopped early); --json lists them at the end.
        onWarning: (w) => {
          if (!f.json) process.stderr.write(`\nquanta: WARNING: ${w}\n`);
        },
      });
    } finally {
      bar.stop();
    }
    const saved = saveModel(r.model, out, { externalData: "auto" });
    // Never leave a model ONNX Runtime cannot open.
    await (await openSession(r.model, { threads: f.threads })).release();
    const ms = performance.now() - t0;
    const { model: _trained, ...report } = r;
    if (f.json) {
      process.stdout.write(JSON.stringify({ input, output: f.output, data: data.description, eval: evalData?.description, sizeBytes: saved.bytes + saved.externalBytes, ms, ...report }, null, 2) + "\n");
    } else {
      const lines = [
        `trained ${input} on ${data.description}: steps ${r.startStep}→${r.step} of ${r.totalSteps} (batch ${r.batchSize}, ${r.stepsPerEpoch} per epoch, ${r.stepsPerRun} per run), ${formatCount(r.paramCount)} parameters in ${r.params.length} tensors`,
        ...r.epochs.map((e) => `epoch ${e.epoch}: loss ${e.loss.toFixed(4)}` + (e.evalAccuracy !== undefined ? `, eval top-1 ${(100 * e.evalAccuracy).toFixed(2)}% (${e.evalCount})` : "")),
        `last loss ${r.lastLoss === null ? "n/a" : r.lastLoss.toFixed(4)}; ${r.samplesPerSecond.toFixed(0)} samples/s; took ${(ms / 1000).toFixed(2)} s`,
        ...(r.resumedFrom ? [`resumed from ${r.resumedFrom}`] : []),
        ...(r.lastCheckpoint ? [`checkpoint ${r.lastCheckpoint}`] : []),
        `wrote ${f.output} (${formatBytes(saved.bytes + saved.externalBytes)})`,
      ];
      process.stdout.write(lines.join("\n") + "\n");
    }
  });
}

/** A model file, or a zoo model built in code when no such file exists. */
function openModel(spec: string): Model {
  if (existsSync(spec) || !zooNames().includes(spec)) return loadModel(spec);
  return buildZooModel(spec);
}
