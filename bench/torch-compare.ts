// quanta vs PyTorch training the same CNN on this machine (`npm run bench -- torch`).
// The zoo's fmnist-resnet at batch 64, SGD momentum 0.9: quanta's one-step-per-run step graph
// (as bench/train-step.ts runs it) against bench/torch/fmnist_resnet.py in a child process, which
// loads the very same initial weights and first proves it is the same network (eval logits vs
// ONNX Runtime's, and one training step vs quanta's). Rounds alternate quanta then torch so that
// load from other processes on the machine falls on both; each side warms up in every round.
//
// PyTorch is optional: QUANTA_TORCH_PYTHON, else Debian's /usr/bin/python3 (python3-torch); not
// the python3 on PATH, which may be another interpreter without torch.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildZooModel } from "../src/zoo/index.js";
import { openSession } from "../src/runtime/session.js";
import type { HostTensor } from "../src/runtime/host-tensor.js";
import { buildStepGraph, allSlots, type StepGraph } from "../src/train/step-graph.js";
import { openRunner } from "../src/train/runner.js";
import type { Feeds } from "../src/train/batch-feeds.js";
import { writeNpz } from "../src/data/npz.js";

const BATCH = 64;
const CLASSES = 10;
const LR = 0.01;
const SCRIPT = join("bench", "torch", "fmnist_resnet.py");

export interface TorchCompareOptions {
  rounds?: number;
  /** Timed steps per side per round. */
  steps?: number;
  /** Untimed steps before them, per side per round. */
  warmup?: number;
  threads?: number[];
}

export type TorchRow = Record<string, string | number>;

interface TorchRun {
  threads: number;
  stepMsMedian: number;
  samplesPerSec: number;
  maxAbsDiff: number;
  stepLossDiff: number;
  stepGradMaxDiff: number;
  stepParamMaxDiff: number;
  torchVersion: string;
  stepMs: number[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The Python to use and its torch version, or null (after saying so on one line) when there is none. */
function findTorch(): { python: string; version: string } | null {
  const python = process.env.QUANTA_TORCH_PYTHON || "/usr/bin/python3";
  const r = spawnSync(python, ["-c", "import numpy, torch; print(torch.__version__)"], { encoding: "utf8" });
  if (r.status === 0) return { python, version: r.stdout.trim() };
  const why = r.error ? `${python} not found` : `${python} cannot import torch and numpy`;
  process.stdout.write(`torch suite skipped: ${why} (install Debian's python3-torch, or set QUANTA_TORCH_PYTHON); nothing written\n`);
  return null;
}

/** Fixed pseudo-random batch (same generator as bench/train-step.ts): the same data for both sides. */
function fixedBatch(): Feeds {
  const dims = [BATCH, 1, 28, 28];
  let s = 12345;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  return {
    input: { type: "float32", dims, data: Float32Array.from({ length: dims.reduce((a, b) => a * b) }, () => rand() * 2 - 1) },
    labels: { type: "int64", dims: [BATCH], data: BigInt64Array.from({ length: BATCH }, (_, i) => BigInt(i % CLASSES)) },
  };
}

const freshState = (step: StepGraph) => new Map(allSlots(step).map((s) => [s.key, s.initial.toHost()] as [string, HostTensor]));

/** Per-step ms of `steps` quanta training steps after `warmup`, one ONNX Runtime run per step. */
async function quantaRound(step: StepGraph, batch: Feeds, threads: number, steps: number, warmup: number): Promise<number[]> {
  const runner = await openRunner(step, 1, threads);
  try {
    const state = freshState(step);
    let n = 1;
    for (let i = 0; i < warmup; i++) await runner.run([batch], [LR], n++, state);
    const ms: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      await runner.run([batch], [LR], n++, state);
      ms.push(performance.now() - t0);
    }
    return ms;
  } finally {
    await runner.release();
  }
}

function torchRound(python: string, dir: string, threads: number, steps: number, warmup: number): TorchRun {
  const args = [SCRIPT, "--weights", join(dir, "weights.npz"), "--check", join(dir, "check.npz"), "--threads", String(threads), "--steps", String(steps), "--warmup", String(warmup)];
  // OMP/MKL variables too, so no library underneath starts more threads than set_num_threads allows.
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const r = spawnSync(python, args, { encoding: "utf8", env });
  if (r.status !== 0) throw new Error(`${python} ${SCRIPT} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr}`);
  const run = JSON.parse(r.stdout.trim().split("\n").pop()!) as TorchRun;
  if (run.threads !== threads) throw new Error(`torch ran with ${run.threads} threads, asked for ${threads}`);
  return run;
}

/**
 * Rows (one per thread count) of quanta vs PyTorch step time on fmnist-resnet, batch 64, or null
 * when no Python with torch is available. Throws if the PyTorch model is not the same network.
 */
export async function torchCompare(opts: TorchCompareOptions = {}): Promise<{ rows: TorchRow[]; notes: string[] } | null> {
  const { rounds = 3, steps = 20, warmup = 3, threads: threadCounts = [1, 2] } = opts;
  const torch = findTorch();
  if (!torch) return null;
  const dir = mkdtempSync(join(tmpdir(), "quanta-bench-torch-"));
  try {
    const model = buildZooModel("fmnist-resnet");
    const batch = fixedBatch();
    const step = buildStepGraph(model, { optimizer: { kind: "sgd", momentum: 0.9 }, batchSize: BATCH });

    // What PyTorch must reproduce: ONNX Runtime's eval logits and quanta's first training step.
    const weights: Record<string, HostTensor> = {};
    for (const [name, v] of model.graph.initializers) weights[name] = v.initializer!.toHost();
    const inf = await openSession(model, { threads: 1 });
    const logits = (await inf.run({ input: batch.input! }))["logits"]!;
    await inf.release();
    const state = freshState(step);
    const runner = await openRunner(step, 1, 1);
    const { losses } = await runner.run([batch], [LR], 1, state);
    await runner.release();
    const check: Record<string, HostTensor> = {
      input: batch.input!,
      labels: batch.labels!,
      logits,
      lr: { type: "float32", dims: [], data: Float32Array.of(LR) },
      step_loss: { type: "float32", dims: [], data: Float32Array.of(losses[0]!) },
    };
    for (const p of step.params) check[`after.${p.key}`] = state.get(p.key)!;
    await writeNpz(join(dir, "weights.npz"), weights);
    await writeNpz(join(dir, "check.npz"), check);

    const rows: TorchRow[] = [];
    let worst = { logits: 0, loss: 0, grads: 0, params: 0 };
    for (const threads of threadCounts) {
      const q: number[][] = [];
      const t: number[][] = [];
      for (let r = 0; r < rounds; r++) {
        q.push(await quantaRound(step, batch, threads, steps, warmup));
        const run = torchRound(torch.python, dir, threads, steps, warmup);
        t.push(run.stepMs);
        worst = {
          logits: Math.max(worst.logits, run.maxAbsDiff),
          loss: Math.max(worst.loss, run.stepLossDiff),
          grads: Math.max(worst.grads, run.stepGradMaxDiff),
          params: Math.max(worst.params, run.stepParamMaxDiff),
        };
        process.stderr.write(`torch: ${threads} thread(s), round ${r + 1}/${rounds}: quanta ${median(q[r]!).toFixed(1)} ms, torch ${median(run.stepMs).toFixed(1)} ms\n`);
      }
      // Median of all timed steps of a side; the per-round medians show how steady the machine was.
      const qMs = median(q.flat());
      const tMs = median(t.flat());
      const perRound = (xs: number[][]) => xs.map((x) => median(x).toFixed(1)).join(" / ");
      rows.push({
        threads,
        "quanta step ms": qMs.toFixed(1),
        "PyTorch step ms": tMs.toFixed(1),
        "quanta / PyTorch": (qMs / tMs).toFixed(2),
        "quanta samples/s": ((BATCH * 1000) / qMs).toFixed(0),
        "PyTorch samples/s": ((BATCH * 1000) / tMs).toFixed(0),
        "quanta ms by round": perRound(q),
        "PyTorch ms by round": perRound(t),
      });
    }
    const g = (x: number) => x.toExponential(1);
    return {
      rows,
      notes: [
        `fmnist-resnet (quanta zoo), batch ${BATCH} of [1,28,28], the same fixed batch every step; softmax cross-entropy, SGD lr ${LR} momentum 0.9, BatchNorm on batch statistics. quanta: the step graph in ONNX Runtime, one run per step, training state fed and returned each run. PyTorch ${torch.version} (${torch.python}), eager mode, torch.set_num_threads.`,
        `${rounds} rounds per thread count, alternating quanta then PyTorch (a fresh process); each side ${warmup} warm-up steps then ${steps} timed steps per round. Step ms = median of all timed steps.`,
        `Same network, checked before every PyTorch timing: the weights are quanta's initializers loaded by name; eval logits vs ONNX Runtime max abs diff ${g(worst.logits)}; one training step vs quanta's: loss diff ${g(worst.loss)}, gradients (implied by quanta's update) vs autograd max abs diff ${g(worst.grads)}, updated parameters ${g(worst.params)} (limit 1e-3 each).`,
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
