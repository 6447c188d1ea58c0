// A bounded, deterministic slice of `npm run fuzz`: 200 mutants of the small hand-built seeds and
// resnet-tiny (bit flips, truncation, structured protobuf damage), each through four of the eight
// commands (even mutants: inspect, dynamic, fp16, compare; odd: static, fuse, bench, eval), run by
// the CLI's main() in worker processes. Every run must end OK or in one readable `quanta: error:`
// line with nothing left behind; a failure names the command to reproduce it.

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "./helpers.js";
import { failures, runCampaign, type CommandName } from "../bench/fuzz/campaign.js";
import { FAILURE_CLASSES } from "../bench/fuzz/classify.js";

const EVEN: CommandName[] = ["inspect", "dynamic", "fp16", "compare"];
const ODD: CommandName[] = ["static", "fuse", "bench", "eval"];

test("200 hostile mutants through every command: no crash, hang, stack trace, leaked JS error or leftover file", async (t) => {
  const t0 = performance.now();
  const s = await runCampaign({
    seed: 1,
    indices: Array.from({ length: 200 }, (_, i) => i),
    commands: [...EVEN, ...ODD],
    commandsFor: (i) => (i % 2 === 0 ? EVEN : ODD),
    jobs: 2,
    mode: "worker",
    seeds: "small",
    timeoutMs: 30_000,
    maxRssMb: 2048,
    workDir: join(tempDir("quanta-fuzz-"), "work"),
    baseline: false,
  });
  const found = Object.entries(s.failureSignatures).map(([sig, f]) => `${f.count} × ${sig} (${f.commands.join(", ")}): ${f.first.repro} — ${f.first.seed}: ${f.first.mutations.join("; ").slice(0, 200)}`);
  assert.deepEqual(s.harnessErrors, []);
  assert.equal(failures(s), 0, `failures: ${FAILURE_CLASSES.filter((c) => s.totals[c]).map((c) => `${c} ${s.totals[c]}`).join(", ")}\n${found.join("\n")}`);
  assert.equal(s.runs, 800);
  // Both paths are exercised: mutants that still work, and ones refused with a proper error.
  assert.ok(s.totals.OK > 50 && s.totals.ERROR > 300, JSON.stringify(s.totals));
  t.diagnostic(`fuzz slice: ${s.runs} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s: OK ${s.totals.OK}, ERROR ${s.totals.ERROR}`);
});
