import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runNodeAsync, scriptArgs } from "./testing/spawn.js";
import { readCheckpoint } from "./checkpoint.js";

interface ChildReport {
  startStep: number;
  step: number;
  epochs: { epoch: number; step: number; loss: number }[];
  weights: Record<string, number[]>;
}

test("a run killed after its first checkpoint resumes there and ends with the uninterrupted run's weights", async () => {
  const dir = mkdtempSync(join(tmpdir(), "quanta-resume-"));
  try {
    const ckpt = join(dir, "ckpt");
    const child = (mode: string, out: string) => runNodeAsync([...scriptArgs("resume-child"), mode, ckpt, join(dir, out)]);
    // The uninterrupted reference run writes no checkpoints; run it alongside the killed one.
    const [plain, killed] = await Promise.all([child("plain", "plain.json"), child("kill", "killed.json")]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(killed.signal, "SIGKILL", `the child was killed (${killed.code}): ${killed.stderr}`);
    assert.ok(!existsSync(join(dir, "killed.json")), "the killed run never finished");
    assert.deepEqual(readdirSync(ckpt), ["step-00000005"]);
    assert.equal(readCheckpoint(join(ckpt, "step-00000005")).meta.step, 5);

    const resumed = await child("resume", "resumed.json");
    assert.equal(resumed.code, 0, resumed.stderr);
    const a = JSON.parse(readFileSync(join(dir, "plain.json"), "utf8")) as ChildReport;
    const b = JSON.parse(readFileSync(join(dir, "resumed.json"), "utf8")) as ChildReport;
    assert.equal(b.startStep, 5, "the step counter continues from the checkpoint");
    assert.equal(b.step, a.step);
    assert.equal(a.step, 36);
    assert.deepEqual(b.epochs.map((e) => e.step), [12, 24, 36]);
    b.epochs.forEach((e, i) => assert.ok(Math.abs(e.loss - a.epochs[i]!.loss) < 1e-6, `epoch ${e.epoch} loss ${e.loss} vs ${a.epochs[i]!.loss}`));
    // Same graph, thread count and inputs: ONNX Runtime's CPU kernels are deterministic, so exactly.
    assert.deepEqual(Object.keys(b.weights), Object.keys(a.weights));
    for (const k of Object.keys(a.weights)) assert.deepEqual(b.weights[k], a.weights[k], k);
    assert.deepEqual(readdirSync(ckpt), ["step-00000036"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
