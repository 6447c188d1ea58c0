// Checkpoints: a folder step-<N> holding checkpoint.json (counters and settings), model.onnx
// (the current inference model: parameters and BatchNorm statistics) and optimizer.npz (the
// optimizer state). Each is assembled in a hidden temporary folder and renamed into place, so a
// run killed at any moment leaves either the complete checkpoint or none; older ones are then
// removed.

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Model } from "../ir/model.js";
import { loadModel } from "../ir/serde/load.js";
import { saveModel } from "../ir/serde/save.js";
import type { HostTensor } from "../runtime/host-tensor.js";
import { decodeNpz, writeNpz } from "../data/npz.js";
import { QuantaError } from "../errors.js";

export const CHECKPOINT_FORMAT = 1;
const NAME = /^step-(\d+)$/;
const TEMP = /^\.step-\d+\.tmp-\d+$/;

export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  /** Updates applied so far; the next step is `step + 1`. */
  step: number;
  /** 0-based epoch of the next step and its batch index within that epoch. */
  epoch: number;
  stepInEpoch: number;
  /** What makes the data order and schedule reproducible: a resumed run must match them. */
  seed: number;
  batchSize: number;
  datasetSize: number;
  totalSteps: number;
  params: string[];
  state: string[];
  runningStats: string[];
  /** Free-form record of the run (settings, per-epoch reports, partial-epoch loss sums). */
  run: Record<string, unknown>;
  createdAt: string;
}

export interface Checkpoint {
  path: string;
  meta: CheckpointMeta;
  model: Model;
  optimizer: Map<string, HostTensor>;
}

export async function writeCheckpoint(dir: string, meta: CheckpointMeta, model: Model, optimizer: Record<string, HostTensor>): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const name = `step-${String(meta.step).padStart(8, "0")}`;
  const tmp = join(dir, `.${name}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  saveModel(model, join(tmp, "model.onnx"));
  await writeNpz(join(tmp, "optimizer.npz"), optimizer);
  writeFileSync(join(tmp, "checkpoint.json"), JSON.stringify(meta, null, 2) + "\n");
  const final = join(dir, name);
  if (existsSync(final)) rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  for (const old of listCheckpoints(dir)) if (old.name !== name) rmSync(join(dir, old.name), { recursive: true, force: true });
  return final;
}

/** Complete checkpoints in `dir`, oldest first. */
export function listCheckpoints(dir: string): { name: string; step: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ name, m: NAME.exec(name) }))
    .filter((e) => e.m && existsSync(join(dir, e.name, "checkpoint.json")))
    .map((e) => ({ name: e.name, step: Number(e.m![1]) }))
    .sort((a, b) => a.step - b.step);
}

export function latestCheckpoint(dir: string): string | undefined {
  const last = listCheckpoints(dir).at(-1);
  return last && join(dir, last.name);
}

/** Removes temporary folders that killed runs left behind. */
export function removeStaleTemporaries(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) if (TEMP.test(name)) rmSync(join(dir, name), { recursive: true, force: true });
}

export function readCheckpoint(path: string): Checkpoint {
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(readFileSync(join(path, "checkpoint.json"), "utf8")) as CheckpointMeta;
  } catch (e) {
    throw new QuantaError(`cannot read checkpoint ${path}: ${(e as Error).message.split("\n")[0]}`);
  }
  if (meta.format !== CHECKPOINT_FORMAT) throw new QuantaError(`checkpoint ${path} has format ${meta.format}; this version reads format ${CHECKPOINT_FORMAT}`);
  const model = loadModel(join(path, "model.onnx"));
  const optimizer = decodeNpz(readFileSync(join(path, "optimizer.npz")), join(path, "optimizer.npz"));
  return { path, meta, model, optimizer };
}
