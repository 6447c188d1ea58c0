// A training run in its own process for the kill-and-resume test:
//   resume-child.ts <plain|kill|resume> <checkpoint dir> <result.json>
// "kill" SIGKILLs its own process as soon as the first checkpoint is on disk, as a crash or an
// out-of-memory kill would; "resume" continues from the latest checkpoint. Each run that finishes
// writes its counters and final weights to result.json.

import { writeFileSync } from "node:fs";
import { train } from "../trainer.js";
import { tinyMlp, clusterDataset } from "./tiny-models.js";

const [mode, dir, out] = process.argv.slice(2) as ["plain" | "kill" | "resume", string, string];
const r = await train(tinyMlp(4, 24), clusterDataset(96, 3), {
  optimizer: { kind: "adamw", weightDecay: 0.05 },
  lr: 0.01,
  schedule: { kind: "cosine" },
  warmup: 3,
  clipNorm: 2,
  batchSize: 8,
  epochs: 3,
  seed: 11,
  threads: 2,
  ...(mode === "plain" ? {} : { checkpointDir: dir, checkpointEvery: 5, resume: mode === "resume" }),
  onCheckpoint: mode === "kill" ? () => void process.kill(process.pid, "SIGKILL") : undefined,
});
const weights = Object.fromEntries([...r.model.graph.initializers].map(([k, v]) => [k, Array.from(v.initializer!.toFloat32())]));
writeFileSync(out, JSON.stringify({ startStep: r.startStep, step: r.step, epochs: r.epochs, weights }));
