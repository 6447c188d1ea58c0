// The training loop: owns the weights, optimizer state and BatchNorm statistics as host tensors,
// feeds them with each batch to the step (or K-step Loop) graph and keeps what comes back.
// Everything that decides what a step computes (data order, learning rate, group boundaries) is
// a function of the global step counter, so a run resumed from a checkpoint continues exactly
// where the interrupted one stopped.

import type { Model } from "../ir/model.js";
import type { Dataset } from "../data/dataset.js";
import type { HostTensor } from "../runtime/host-tensor.js";
import { evaluateAccuracy } from "../evaluate/accuracy.js";
import { QuantaError } from "../errors.js";
import { buildStepGraph, allSlots, type LossSpec, type StepGraph } from "./step-graph.js";
import type { OptimizerSpec } from "./optimizers/optimizer.js";
import { lrSchedule, type ScheduleSpec } from "./schedule.js";
import { batchIndices, epochOrder, stepsPerEpoch } from "./data-order.js";
import { batchLoader, type Feeds } from "./batch-feeds.js";
import { openRunner, type TrainingState } from "./runner.js";
import { withWeights, readWeights } from "./weights.js";
import { CHECKPOINT_FORMAT, latestCheckpoint, listCheckpoints, readCheckpoint, removeStaleTemporaries, writeCheckpoint, type CheckpointMeta } from "./checkpoint.js";

/** Below this many parameters the K-step Loop graph is the default: per-run overhead dominates there. */
export const AUTO_LOOP_MAX_PARAMS = 5_000_000;
export const AUTO_STEPS_PER_RUN = 8;

export interface TrainOptions {
  loss?: LossSpec;
  /** Default: SGD with momentum 0.9. */
  optimizer?: OptimizerSpec;
  /** Base learning rate (default 0.01 for SGD, 0.001 for AdamW). */
  lr?: number;
  schedule?: ScheduleSpec;
  /** Linear warmup steps. */
  warmup?: number;
  clipNorm?: number;
  /** Initializers to train (default: every float32 initializer of rank >= 1 the loss depends on). */
  params?: readonly string[];
  batchSize?: number;
  epochs?: number;
  /** Stop after this many steps in total (counting steps done before a resume). */
  maxSteps?: number;
  /** Data-order seed (default 0). */
  seed?: number;
  threads?: number;
  /** Steps per ONNX Runtime run: 1 = step graph, K > 1 = K-step Loop graph, "auto" (default) picks by model size. */
  stepsPerRun?: number | "auto";
  /** Labeled data for top-1 accuracy after each epoch (cross-entropy only). */
  eval?: Dataset;
  evalBatchSize?: number;
  checkpointDir?: string;
  /** Also checkpoint every N steps (epoch ends and the last step always are). */
  checkpointEvery?: number;
  /** Continue from the latest checkpoint in checkpointDir. */
  resume?: boolean;
  onProgress?: (p: TrainProgress) => void;
  onEpoch?: (r: EpochReport) => void;
  /** Called with each warning as it arises (they are also in the result's `warnings`). */
  onWarning?: (message: string) => void;
  onCheckpoint?: (c: { path: string; step: number }) => void | Promise<void>;
}

export interface TrainProgress {
  step: number;
  totalSteps: number;
  /** 1-based epoch of the last step. */
  epoch: number;
  /** Mean loss of the steps of the last run. */
  loss: number;
  lr: number;
  samplesPerSecond: number;
  gradNorm?: number;
}

export interface EpochReport {
  epoch: number;
  /** Global step count at the end of the epoch. */
  step: number;
  /** Mean training loss over the epoch's steps. */
  loss: number;
  evalAccuracy?: number;
  evalCount?: number;
}

export interface TrainResult {
  /** Inference model with the trained weights and BatchNorm statistics. */
  model: Model;
  step: number;
  totalSteps: number;
  startStep: number;
  stepsPerEpoch: number;
  batchSize: number;
  stepsPerRun: number;
  params: string[];
  paramCount: number;
  epochs: EpochReport[];
  lastLoss: number | null;
  samplesPerSecond: number;
  trainMs: number;
  resumedFrom?: string;
  lastCheckpoint?: string;
  warnings: string[];
}

interface EpochProgress {
  epoch: number;
  lossSum: number;
  count: number;
}

export async function train(model: Model, data: Dataset, opts: TrainOptions = {}): Promise<TrainResult> {
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    opts.onWarning?.(message);
  };
  const optimizer = opts.optimizer ?? { kind: "sgd", momentum: 0.9 };
  const lr = opts.lr ?? (optimizer.kind === "adamw" ? 1e-3 : 0.01);
  const epochs = opts.epochs ?? 1;
  const seed = opts.seed ?? 0;
  checkCount("epochs", epochs, 1);
  if (opts.maxSteps !== undefined) checkCount("maxSteps", opts.maxSteps, 1);
  if (opts.checkpointEvery !== undefined) checkCount("checkpointEvery", opts.checkpointEvery, 1);
  if (opts.resume && !opts.checkpointDir) throw new QuantaError("resuming needs the checkpoint directory (--checkpoint-dir)", 2);
  if (data.size === 0) throw new QuantaError(`${data.description} is empty`);
  let batchSize = opts.batchSize ?? 32;
  checkCount("batchSize", batchSize, 1);
  if (batchSize > data.size) {
    warn(`batch size ${batchSize} exceeds the ${data.size} training samples; using batches of ${data.size}`);
    batchSize = data.size;
  }

  // Every step sees a full batch (the last incomplete one is dropped), so the batch size is pinned.
  const step0 = buildStepGraph(model, { loss: opts.loss, optimizer, clipNorm: opts.clipNorm, params: opts.params, batchSize });
  const loader = batchLoader(data, step0);
  const perEpoch = stepsPerEpoch(data.size, batchSize);
  const totalSteps = Math.min(epochs * perEpoch, opts.maxSteps ?? Infinity);
  const schedule = lrSchedule({ lr, schedule: opts.schedule, warmup: opts.warmup, totalSteps });
  const paramCount = step0.params.reduce((n, p) => n + p.initial.size, 0);
  const stepsPerRun = opts.stepsPerRun === undefined || opts.stepsPerRun === "auto" ? (paramCount <= AUTO_LOOP_MAX_PARAMS ? AUTO_STEPS_PER_RUN : 1) : opts.stepsPerRun;
  checkCount("stepsPerRun", stepsPerRun, 1);
  let evaluate = opts.eval;
  if (evaluate && step0.loss.kind !== "cross-entropy") {
    warn("evaluation reports top-1 accuracy, which needs a cross-entropy loss; skipped");
    evaluate = undefined;
  }

  // Training state, keyed like checkpoints.
  const state: TrainingState = new Map(allSlots(step0).map((s) => [s.key, s.initial.toHost()]));
  const weightKeys = [...step0.params, ...step0.runningStats].map((s) => s.key);
  let step = 0;
  let history: EpochReport[] = [];
  let current: EpochProgress = { epoch: 0, lossSum: 0, count: 0 };
  let resumedFrom: string | undefined;
  if (opts.checkpointDir) {
    removeStaleTemporaries(opts.checkpointDir);
    if (opts.resume) {
      const path = latestCheckpoint(opts.checkpointDir) ?? fail(`no checkpoint in ${opts.checkpointDir} to resume from`);
      ({ step, history, current } = restore(path, step0, state, { seed, batchSize, datasetSize: data.size }));
      resumedFrom = path;
    } else if (listCheckpoints(opts.checkpointDir).length) {
      throw new QuantaError(`${opts.checkpointDir} already holds checkpoints; pass --resume to continue that run, or choose an empty --checkpoint-dir`, 2);
    }
  }
  const startStep = step;

  const saveCheckpoint = async (): Promise<string> => {
    const meta: CheckpointMeta = {
      format: CHECKPOINT_FORMAT,
      step,
      epoch: Math.floor(step / perEpoch),
      stepInEpoch: step % perEpoch,
      seed,
      batchSize,
      datasetSize: data.size,
      totalSteps,
      params: step0.params.map((s) => s.key),
      state: step0.state.map((s) => s.key),
      runningStats: step0.runningStats.map((s) => s.key),
      run: { optimizer, lr, schedule: opts.schedule ?? { kind: "constant" }, warmup: opts.warmup ?? 0, clipNorm: opts.clipNorm ?? null, epochs, history, current },
      createdAt: new Date().toISOString(),
    };
    const optimizerState: Record<string, HostTensor> = Object.fromEntries(step0.state.map((s) => [s.key, state.get(s.key)!]));
    const path = await writeCheckpoint(opts.checkpointDir!, meta, withWeights(model, state, weightKeys), optimizerState);
    await opts.onCheckpoint?.({ path, step });
    return path;
  };

  // Steps [s, s + take) run together: never across an epoch end, a checkpoint or the last step.
  const plan = (s: number) => {
    const epoch = Math.floor(s / perEpoch);
    const index = s % perEpoch;
    let take = Math.min(stepsPerRun, perEpoch - index, totalSteps - s);
    if (opts.checkpointDir && opts.checkpointEvery) take = Math.min(take, opts.checkpointEvery - (s % opts.checkpointEvery));
    return { epoch, index, take };
  };
  const orders = new Map<number, number[]>();
  const orderOf = (epoch: number): number[] => {
    let o = orders.get(epoch);
    if (!o) {
      orders.clear(); // only the current (or next) epoch is ever needed
      o = epochOrder(data.size, seed, epoch);
      orders.set(epoch, o);
    }
    return o;
  };
  const load = (s: number): Promise<Feeds[]> => {
    const p = plan(s);
    const order = orderOf(p.epoch);
    const group = Promise.all(Array.from({ length: p.take }, (_, k) => loader(batchIndices(order, batchSize, p.index + k))));
    group.catch(() => {}); // surfaced when awaited
    return group;
  };

  const runner = await openRunner(step0, stepsPerRun, opts.threads);
  let lastLoss: number | null = null;
  let lastCheckpoint: string | undefined;
  let trainMs = 0;
  let samples = 0;
  try {
    let next = step < totalSteps ? load(step) : null;
    while (step < totalSteps) {
      const t0 = performance.now();
      const { epoch, take } = plan(step);
      const batches = await next!;
      next = step + take < totalSteps ? load(step + take) : null; // prefetch while this group runs
      const lrs = Array.from({ length: take }, (_, k) => schedule(step + k));
      const r = await runner.run(batches, lrs, step + 1, state);
      const bad = r.losses.findIndex((l) => !Number.isFinite(l));
      if (bad >= 0) throw new QuantaError(`the loss became ${r.losses[bad]} at step ${step + bad + 1}; lower --lr, add --warmup or pass --clip-norm`);
      trainMs += performance.now() - t0;
      samples += take * batchSize;
      step += take;
      if (current.epoch !== epoch) current = { epoch, lossSum: 0, count: 0 };
      current.lossSum += r.losses.reduce((a, b) => a + b, 0);
      current.count += take;
      lastLoss = r.losses.at(-1)!;
      opts.onProgress?.({
        step,
        totalSteps,
        epoch: epoch + 1,
        loss: r.losses.reduce((a, b) => a + b, 0) / take,
        lr: lrs.at(-1)!,
        samplesPerSecond: (samples * 1000) / trainMs,
        ...(r.gradNorms ? { gradNorm: r.gradNorms.at(-1)! } : {}),
      });

      const epochEnd = step % perEpoch === 0;
      if (epochEnd) {
        const report: EpochReport = { epoch: epoch + 1, step, loss: current.lossSum / current.count };
        if (evaluate) {
          const acc = await evaluateAccuracy(withWeights(model, state, weightKeys), evaluate, { batchSize: opts.evalBatchSize ?? Math.max(batchSize, 32), threads: opts.threads, output: step0.loss.output });
          Object.assign(report, { evalAccuracy: acc.accuracy, evalCount: acc.count });
          // A run stuck at the loss of constant predictions looks like progress in the loss alone.
          if (acc.predictedClasses === 1 && acc.labelClasses > 1 && !warnings.some((w) => w.includes("one class"))) {
            warn(`epoch ${epoch + 1}: every evaluation sample was predicted as the same class (the model collapsed to one class); try a lower --lr, --warmup or --clip-norm`);
          }
        }
        history = [...history, report];
        current = { epoch: epoch + 1, lossSum: 0, count: 0 };
        opts.onEpoch?.(report);
      }
      const due = epochEnd || step === totalSteps || (opts.checkpointEvery !== undefined && step % opts.checkpointEvery === 0);
      if (opts.checkpointDir && due) lastCheckpoint = await saveCheckpoint();
    }
  } finally {
    await runner.release();
  }

  return {
    model: withWeights(model, state, weightKeys),
    step,
    totalSteps,
    startStep,
    stepsPerEpoch: perEpoch,
    batchSize,
    stepsPerRun,
    params: step0.params.map((s) => s.key),
    paramCount,
    epochs: history,
    lastLoss,
    samplesPerSecond: trainMs > 0 ? (samples * 1000) / trainMs : 0,
    trainMs,
    ...(resumedFrom ? { resumedFrom } : {}),
    ...(lastCheckpoint ? { lastCheckpoint } : {}),
    warnings,
  };
}

/** Loads a checkpoint into `state` after checking it belongs to this run. */
function restore(path: string, step: StepGraph, state: TrainingState, run: { seed: number; batchSize: number; datasetSize: number }) {
  const ck = readCheckpoint(path);
  const m = ck.meta;
  const mismatch = (what: string, was: unknown, now: unknown) => fail(`checkpoint ${path} was written with ${what} ${was}, this run has ${now}; resume with the same settings so the data order matches`);
  if (m.seed !== run.seed) mismatch("--seed", m.seed, run.seed);
  if (m.batchSize !== run.batchSize) mismatch("batch size", m.batchSize, run.batchSize);
  if (m.datasetSize !== run.datasetSize) mismatch("a training set of size", m.datasetSize, run.datasetSize);
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(m.params, step.params.map((s) => s.key)) || !same(m.state, step.state.map((s) => s.key))) {
    fail(`checkpoint ${path} holds other parameters or optimizer state than this run trains (different model, --optimizer or momentum?)`);
  }
  const restored = readWeights(ck.model, [...m.params, ...m.runningStats]);
  for (const key of m.state) restored.set(key, ck.optimizer.get(key) ?? fail(`checkpoint ${path} has no optimizer state "${key}"`));
  for (const slot of allSlots(step)) {
    const t = restored.get(slot.key) ?? fail(`checkpoint ${path} has no value for "${slot.key}"`);
    if (t.type !== "float32" || t.dims.join() !== slot.initial.dims.join()) fail(`checkpoint ${path} holds "${slot.key}" as ${t.type}[${t.dims}], this model needs float32[${slot.initial.dims}]`);
    state.set(slot.key, t);
  }
  const r = m.run as { history?: EpochReport[]; current?: EpochProgress };
  return { step: m.step, history: r.history ?? [], current: r.current ?? { epoch: m.epoch, lossSum: 0, count: 0 } };
}

function checkCount(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new QuantaError(`${name} must be an integer >= ${min}, got ${v}`, 2);
}

function fail(msg: string): never {
  throw new QuantaError(msg);
}
