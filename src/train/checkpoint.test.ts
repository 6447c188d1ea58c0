import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHECKPOINT_FORMAT, latestCheckpoint, listCheckpoints, readCheckpoint, removeStaleTemporaries, writeCheckpoint, type CheckpointMeta } from "./checkpoint.js";
import { tinyMlp } from "./testing/tiny-models.js";

const meta = (step: number): CheckpointMeta => ({
  format: CHECKPOINT_FORMAT,
  step,
  epoch: 0,
  stepInEpoch: step,
  seed: 1,
  batchSize: 4,
  datasetSize: 100,
  totalSteps: 25,
  params: ["fc1.weight"],
  state: ["fc1.weight.m"],
  runningStats: [],
  run: {},
  createdAt: "2000-01-01T00:00:00.000Z",
});

test("only complete step-N folders count; leftovers of killed runs are ignored, then removed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "quanta-ckpt-"));
  try {
    const m = { type: "float32" as const, dims: [2], data: Float32Array.of(1, 2) };
    await writeCheckpoint(dir, meta(3), tinyMlp(), { "fc1.weight.m": m });
    // A run killed while writing: its temporary folder, and a folder without checkpoint.json.
    mkdirSync(join(dir, ".step-00000009.tmp-4242"));
    writeFileSync(join(dir, ".step-00000009.tmp-4242", "model.onnx"), "partial");
    mkdirSync(join(dir, "step-00000010"));
    assert.deepEqual(listCheckpoints(dir), [{ name: "step-00000003", step: 3 }]);
    assert.equal(latestCheckpoint(dir), join(dir, "step-00000003"));
    removeStaleTemporaries(dir);
    assert.deepEqual(readdirSync(dir).sort(), ["step-00000003", "step-00000010"]);

    const ck = readCheckpoint(join(dir, "step-00000003"));
    assert.equal(ck.meta.step, 3);
    assert.deepEqual(Array.from(ck.optimizer.get("fc1.weight.m")!.data as Float32Array), [1, 2]);
    assert.equal(ck.model.graph.nodes.length, tinyMlp().graph.nodes.length);

    // A newer checkpoint replaces the older ones once it is in place.
    await writeCheckpoint(dir, meta(12), tinyMlp(), { "fc1.weight.m": m });
    // (A folder this writer did not make, like the incomplete step-00000010, is left alone.)
    assert.deepEqual(readdirSync(dir).sort(), ["step-00000010", "step-00000012"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a checkpoint from another format version is refused with a message", async () => {
  const dir = mkdtempSync(join(tmpdir(), "quanta-ckpt-"));
  try {
    const path = await writeCheckpoint(dir, { ...meta(1), format: 99 as 1 }, tinyMlp(), {});
    assert.throws(() => readCheckpoint(path), /format 99; this version reads format 1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
