// The fine-tuning flags `train` and `qat` share (epochs, optimizer, schedule, checkpoints, threads),
// defined once; each command passes the defaults and help that differ (qat fine-tunes, so its
// learning rate is smaller and its schedule cosine).

import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { nonNegativeInt, oneOf, positiveInt } from "./options.js";
import type { OptimizerSpec } from "../train/optimizers/optimizer.js";

export function positiveNumber(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError(`${name} must be a positive number, got "${v}".`);
    return n;
  };
}

export function fraction(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!(n >= 0 && n < 1)) throw new InvalidArgumentError(`${name} must be in [0, 1), got "${v}".`);
    return n;
  };
}

export function stepsPerRun(v: string): number | "auto" {
  return v === "auto" ? "auto" : positiveInt("--steps-per-run")(v);
}

function nonNegativeNumber(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!(n >= 0 && Number.isFinite(n))) throw new InvalidArgumentError(`${name} must be a number >= 0, got "${v}".`);
    return n;
  };
}

export interface TrainingOptionHelp {
  batch: string;
  lr: string;
  weightDecay: string;
  schedule: "constant" | "step" | "cosine";
  checkpointDir: string;
}

/** Adds the shared fine-tuning flags to `cmd` (they parse into the fields TrainFlags/QatFlags name). */
export function addTrainingOptions(cmd: Command, help: TrainingOptionHelp): Command {
  return cmd
    .option("--epochs <n>", "passes over the training data", positiveInt("--epochs"), 1)
    .option("--steps <n>", "stop after this many steps in total", positiveInt("--steps"))
    .option("--batch <n>", help.batch, positiveInt("--batch"), 32)
    .option("--optimizer <name>", "sgd or adamw", oneOf("--optimizer", ["sgd", "adamw"] as const), "sgd")
    .option("--lr <x>", help.lr, positiveNumber("--lr"))
    .option("--momentum <m>", "SGD momentum", fraction("--momentum"), 0.9)
    .option("--weight-decay <w>", help.weightDecay, nonNegativeNumber("--weight-decay"))
    .option("--schedule <s>", "learning-rate schedule: constant, step or cosine", oneOf("--schedule", ["constant", "step", "cosine"] as const), help.schedule)
    .option("--warmup <n>", "linear learning-rate warmup steps", nonNegativeInt("--warmup"), 0)
    .option("--clip-norm <x>", "clip gradients to this global L2 norm", positiveNumber("--clip-norm"))
    .option("--checkpoint-dir <dir>", help.checkpointDir)
    .option("--checkpoint-every <n>", "also checkpoint every N steps", positiveInt("--checkpoint-every"))
    .option("--resume", "continue from the latest checkpoint in --checkpoint-dir")
    .option("--threads <n>", "intra-op threads", positiveInt("--threads"))
    .option("--steps-per-run <k>", "training steps per ONNX Runtime call (1, K, or auto)", stepsPerRun, "auto");
}

/** What the shared flags parse into. */
export interface TrainingFlags {
  epochs: number;
  steps?: number;
  batch: number;
  optimizer: "sgd" | "adamw";
  lr?: number;
  momentum: number;
  weightDecay?: number;
  schedule: "constant" | "step" | "cosine";
  warmup: number;
  clipNorm?: number;
  checkpointDir?: string;
  checkpointEvery?: number;
  resume?: boolean;
  threads?: number;
  stepsPerRun: number | "auto";
  seed: number;
}

export function optimizerSpec(f: TrainingFlags): OptimizerSpec {
  return f.optimizer === "adamw" ? { kind: "adamw", ...(f.weightDecay !== undefined ? { weightDecay: f.weightDecay } : {}) } : { kind: "sgd", momentum: f.momentum, weightDecay: f.weightDecay ?? 0 };
}

/** The trainer options the shared flags set directly (optimizer, rate, schedule and callbacks are the caller's). */
export function trainRunOptions(f: TrainingFlags) {
  return {
    warmup: f.warmup,
    clipNorm: f.clipNorm,
    batchSize: f.batch,
    epochs: f.epochs,
    maxSteps: f.steps,
    seed: f.seed,
    threads: f.threads,
    stepsPerRun: f.stepsPerRun,
    checkpointDir: f.checkpointDir,
    checkpointEvery: f.checkpointEvery,
    resume: f.resume,
  };
}
