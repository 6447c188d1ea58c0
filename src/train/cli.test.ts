// `quanta train` end to end, as a user runs it: the binary (from the build) or the sources' CLI.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildZooModel } from "../zoo/index.js";
import { saveModel } from "../ir/serde/save.js";
import { shared } from "../data/fixture-paths.js";
import { quantaArgs, runNodeAsync, type ChildResult } from "./testing/spawn.js";

const FMNIST = "/usr/share/datasets/fashion-mnist";
const TRAIN = join(FMNIST, "train-images-idx3-ubyte.gz");
const TEST = join(FMNIST, "t10k-images-idx3-ubyte.gz");
const SKIP = existsSync(TRAIN) && existsSync(TEST) ? false : `${FMNIST} is absent (Debian package dataset-fashion-mnist)`;

const quanta = (...args: string[]): Promise<ChildResult> => runNodeAsync([...quantaArgs(), ...args]);

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "quanta-train-cli-"));
  test.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function assertUsageError(r: ChildResult, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split("\n");
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
}

test("train --help, and usage errors exit 2 with one line", async () => {
  const help = await quanta("train", "--help");
  assert.equal(help.code, 0);
  for (const flag of ["--data", "--eval", "--epochs", "--batch", "--lr", "--optimizer", "--momentum", "--weight-decay", "--schedule", "--warmup", "--clip-norm", "--checkpoint-dir", "--resume", "--steps", "--seed", "--threads", "--json", "--limit"]) {
    assert.ok(help.stdout.includes(flag), flag);
  }
  assertUsageError(await quanta("train", "resnet-tiny", "-o", "x.onnx"), /^quanta: error: pass --data/);
  assertUsageError(await quanta("train", "resnet-tiny", "--data", "x", "--optimizer", "lamb"), /--optimizer must be one of sgd, adamw/);
  assertUsageError(await quanta("train", "resnet-tiny", "--data", "x", "-o", "y.onnx", "--resume"), /--resume needs --checkpoint-dir/);
});

test("trains the zoo's resnet-tiny on Fashion-MNIST, checkpoints, resumes, and the result evaluates", { skip: SKIP }, async () => {
  const dir = tempDir();
  const common = ["--data", TRAIN, "--eval", TEST, "--color", "rgb", "--size", "32", "--limit", "256", "--batch", "32", "--epochs", "2", "--lr", "0.05", "--checkpoint-dir", join(dir, "ckpt"), "--threads", "2", "--json"];
  const first = await quanta("train", "resnet-tiny", ...common, "--steps", "5", "-o", join(dir, "a.onnx"));
  assert.equal(first.code, 0, first.stderr);
  const a = JSON.parse(first.stdout) as { step: number; startStep: number; stepsPerEpoch: number; params: string[]; lastLoss: number };
  assert.equal(a.step, 5);
  assert.equal(a.stepsPerEpoch, 8);
  assert.equal(a.params.length, 38);
  assert.ok(Number.isFinite(a.lastLoss));
  assert.deepEqual(readdirSync(join(dir, "ckpt")), ["step-00000005"]);

  const again = await quanta("train", "resnet-tiny", ...common, "--steps", "8", "--resume", "-o", join(dir, "b.onnx"));
  assert.equal(again.code, 0, again.stderr);
  const b = JSON.parse(again.stdout) as { step: number; startStep: number; epochs: { epoch: number; evalAccuracy: number; evalCount: number }[] };
  assert.equal(b.startStep, 5);
  assert.equal(b.step, 8);
  assert.equal(b.epochs.length, 1);
  assert.equal(b.epochs[0]!.evalCount, 256);

  // The run ended at the epoch's end, so the epoch's evaluation saw the written weights.
  const ev = await quanta("eval", join(dir, "b.onnx"), "--data", TEST, "--color", "rgb", "--size", "32", "--limit", "256", "--json");
  assert.equal(ev.code, 0, ev.stderr);
  assert.equal((JSON.parse(ev.stdout) as { accuracy: number }).accuracy, b.epochs[0]!.evalAccuracy);

  const exists = await quanta("train", "resnet-tiny", "--data", TRAIN, "--limit", "64", "-o", join(dir, "b.onnx"));
  assertUsageError(exists, /already exists; pass --force/);
});

test("trains the Fashion-MNIST ResNet from a file, text output", { skip: SKIP }, async () => {
  const dir = tempDir();
  const path = join(dir, "cnn.onnx");
  saveModel(buildZooModel("fmnist-resnet"), path);
  const r = await quanta("train", path, "--data", TRAIN, "--limit", "192", "--batch", "32", "--epochs", "2", "--optimizer", "adamw", "--schedule", "cosine", "--warmup", "2", "--clip-norm", "5", "-o", join(dir, "out.onnx"));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /steps 0→12 of 12 \(batch 32, 6 per epoch, 8 per run\)/);
  assert.match(r.stdout, /^epoch 2: loss \d/m);
  assert.ok(existsSync(join(dir, "out.onnx")));
});

test("trains a text classifier; an evaluation file with one class only is scored against the training labels", async () => {
  // Positives only: read alone, its smallest label 1 would look 1-based and become class 0.
  const dir = tempDir();
  const pos = ["good", "great", "fine", "lovely", "superb", "wonderful"];
  const neg = ["bad", "awful", "poor", "dull", "terrible", "boring"];
  const filler = ["this", "film", "was", "really", "quite", "the", "plot", "acting"];
  const sentence = (i: number, words: string[]) => [filler[i % 8], filler[(i + 3) % 8], words[i % words.length], filler[(i + 5) % 8]].join(" ");
  const lines = (n: number, label: (i: number) => number, k: (i: number) => number) =>
    Array.from({ length: n }, (_, i) => JSON.stringify({ text: sentence(k(i), label(i) ? pos : neg), label: label(i) })).join("\n") + "\n";
  writeFileSync(join(dir, "train.jsonl"), lines(64, (i) => i % 2, (i) => Math.floor(i / 2)));
  writeFileSync(join(dir, "eval.jsonl"), lines(16, () => 1, (i) => i + 7));
  writeFileSync(join(dir, "vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ...pos, ...neg, ...filler].join("\n") + "\n");
  const r = await quanta("train", "bert-tiny", "--data", join(dir, "train.jsonl"), "--eval", join(dir, "eval.jsonl"), "--vocab", join(dir, "vocab.txt"), "--max-length", "16", "--batch", "16", "--epochs", "15", "--optimizer", "adamw", "--lr", "0.001", "--clip-norm", "1", "--seed", "1", "--threads", "1", "-o", join(dir, "text.onnx"), "--json");
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { lastLoss: number; epochs: { evalAccuracy: number; evalCount: number }[] };
  assert.ok(out.lastLoss < 0.1, `loss ${out.lastLoss}`);
  const last = out.epochs.at(-1)!;
  assert.equal(last.evalCount, 16);
  assert.ok(last.evalAccuracy >= 0.9, `held-out accuracy ${last.evalAccuracy}`);

  // Warnings go to stderr as they arise, in the human-readable mode.
  const warned = await quanta("train", "bert-tiny", "--data", join(dir, "train.jsonl"), "--vocab", join(dir, "vocab.txt"), "--max-length", "16", "--batch", "100", "--steps", "1", "-o", join(dir, "warned.onnx"));
  assert.equal(warned.code, 0, warned.stderr);
  assert.match(warned.stderr, /^quanta: WARNING: batch size 100 exceeds the 64 training samples; using batches of 64$/m);

  // A vocabulary larger than the model's embedding table: a one-line error naming the sample.
  const padding = Array.from({ length: 1000 }, (_, i) => `w${i}`);
  writeFileSync(join(dir, "big-vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ...padding, ...pos, ...neg, ...filler].join("\n") + "\n");
  const big = await quanta("train", "bert-tiny", "--data", join(dir, "train.jsonl"), "--vocab", join(dir, "big-vocab.txt"), "--max-length", "16", "--batch", "16", "--steps", "1", "-o", join(dir, "big.onnx"));
  assert.equal(big.code, 1, big.stderr);
  assert.match(big.stderr.trim(), /^quanta: error: sample \d+ of text jsonl train\.jsonl .* has input_ids \d+, past the model's 1000-row embedding table: the vocabulary does not match the model/);
  assert.equal(big.stderr.trim().split("\n").length, 1);
  assert.ok(!existsSync(join(dir, "big.onnx")));
});

const lazybogdi = shared("models/fmnist-cnn-lazybogdi.onnx");
test("fine-tunes a PyTorch export and keeps its accuracy", { skip: SKIP || lazybogdi.skip }, async () => {
  const dir = tempDir();
  const norm = ["--mean", "0.5", "--std", "0.5"];
  const r = await quanta("train", lazybogdi.path, "--data", TRAIN, "--eval", TEST, ...norm, "--limit", "512", "--batch", "64", "--optimizer", "adamw", "--lr", "1e-4", "--json", "-o", join(dir, "ft.onnx"));
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { epochs: { evalAccuracy: number; loss: number }[] };
  assert.ok(j.epochs[0]!.evalAccuracy > 0.85, `accuracy ${j.epochs[0]!.evalAccuracy}`);
  assert.ok(j.epochs[0]!.loss < 0.6, `loss ${j.epochs[0]!.loss}`);
});
