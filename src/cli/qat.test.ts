// `quanta qat` end to end, as a user runs it: the built binary on a slice of Fashion-MNIST.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quantaArgs, runNodeAsync, type ChildResult } from "../train/testing/spawn.js";
import { loadModel } from "../ir/serde/load.js";

const FMNIST = "/usr/share/datasets/fashion-mnist";
const TRAIN = join(FMNIST, "train-images-idx3-ubyte.gz");
const MODEL = join(import.meta.dirname, "../../../models/fmnist-cnn.onnx");
const SKIP = existsSync(TRAIN) && existsSync(MODEL) ? false : `${TRAIN} or ${MODEL} is absent`;

const quanta = (...args: string[]): Promise<ChildResult> => runNodeAsync([...quantaArgs(), ...args]);

test("qat usage errors exit 2 with one line", async () => {
  const r = await quanta("qat", "m.onnx", "-o", "x.onnx");
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr.trim().split("\n")[0]!, /^quanta: error: pass --data/);
  const help = await quanta("qat", "--help");
  for (const flag of ["--data", "--eval", "--epochs", "--steps", "--lr", "--recalibrate", "--target", "--format", "--checkpoint-dir"]) assert.ok(help.stdout.includes(flag), flag);
});

test("qat fine-tunes fmnist-cnn with fake quantization and writes a verified int8 QDQ model", { skip: SKIP }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "quanta-qat-cli-"));
  test.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, "m.int8.onnx");
  const r = await quanta("qat", MODEL, "--data", TRAIN, "--limit", "256", "--samples", "64", "--steps", "6", "--batch", "32", "--threads", "2", "--verify", "32", "--json", "-o", out);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { verified: boolean; sqnrDb: number; top1Agreement: number; quantization: { train: { step: number }; trained: string[]; quantizedNodes: Record<string, number> } };
  assert.equal(j.verified, true);
  assert.equal(j.quantization.train.step, 6);
  assert.equal(j.quantization.quantizedNodes.Conv, 9);
  assert.ok(j.sqnrDb > 15, `SQNR ${j.sqnrDb}`);
  const m = loadModel(out);
  assert.ok(m.graph.nodes.some((n) => n.opType === "DequantizeLinear" && n.input(0)!.initializer?.dtype !== undefined), "integer weights behind DequantizeLinear");
  assert.ok(!m.graph.nodes.some((n) => n.opType === "TopK" || n.opType === "BatchNormalization"), "no training-time scale computation, BatchNorm folded");
});
