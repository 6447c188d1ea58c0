// A fuzzing campaign: mutants of the seed models, each run through the chosen quanta commands,
// every run classified (classify.ts) and summed up per class and command, with the first example
// of each failure and the distinct failure messages, so any finding is reproduced with
// `npm run fuzz -- --seed S --only N`.

import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeMutant, type Mutant } from "./mutate.js";
import { prepareSeeds, type Seed } from "./seeds.js";
import { CLASSES, FAILURE_CLASSES, classify, signature, type RunClass } from "./classify.js";
import { spawnRunner, workerRunner, type Runner } from "./runner.js";

export const COMMANDS = ["inspect", "dynamic", "static", "fp16", "fuse", "compare", "bench", "eval"] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface CampaignOptions {
  seed: number;
  /** Mutant indices to run. */
  indices: number[];
  commands: CommandName[];
  /** The commands mutant `index` runs (default: all of `commands`). */
  commandsFor?: (index: number) => readonly CommandName[];
  jobs: number;
  mode: "spawn" | "worker";
  seeds: "all" | "small";
  timeoutMs: number;
  maxRssMb: number;
  workDir: string;
  /** Also run every command on the unmutated seeds first. */
  baseline: boolean;
  /** Keep the mutant folders (for --only). */
  keep?: boolean;
  /** Called after each mutant. */
  onMutant?: (done: number, total: number, summary: Summary) => void;
  /** Called for every run (used by --only to print details). */
  onRun?: (run: RunRecord) => void;
}

export interface RunRecord {
  index: number;
  seed: string;
  mutations: string[];
  command: CommandName;
  argv: string[];
  cls: RunClass;
  reason: string;
  code: number | null;
  signal: string | null;
  ms: number;
  peakRssMb: number;
  stderr: string;
  stdout: string;
}

export interface Example {
  index: number;
  seed: string;
  mutations: string[];
  command: CommandName;
  reason: string;
  stderr: string;
  repro: string;
}

export interface Summary {
  campaignSeed: number;
  mutants: number;
  runs: number;
  counts: Record<string, Record<RunClass, number>>;
  totals: Record<RunClass, number>;
  /** First example of each failure class, per command. */
  examples: Record<string, Example>;
  /** Failures grouped by their normalized message. */
  failureSignatures: Record<string, { count: number; cls: RunClass; commands: CommandName[]; first: Example }>;
  /** Distinct ERROR messages (normalized), with counts: to read for quality. */
  errorSignatures: Record<string, { count: number; example: string }>;
  mutationKinds: Record<string, number>;
  baseline: { seed: string; command: CommandName; cls: RunClass; reason: string; stderr: string }[];
  seconds: number;
  slowest: { ms: number; index: number; command: CommandName; cls: RunClass }[];
  peakRssMb: number;
  /** Worker-mode runs that crashed, hung or blew the memory cap (`worker`), and the class of the same run through bin/quanta.js. */
  rerun: { index: number; command: CommandName; worker: RunClass; cls: RunClass }[];
  /** Mutants the fuzzer itself failed to build. */
  harnessErrors: string[];
}

function emptyCounts(): Record<RunClass, number> {
  return Object.fromEntries(CLASSES.map((c) => [c, 0])) as Record<RunClass, number>;
}

/** The CLI arguments for `command` on the model at `model` (its seed at `seed.dir`). */
export function commandArgs(command: CommandName, model: string, seed: Seed, outDir: string, index: number): { args: string[]; output?: string } {
  const out = join(outDir, "out.onnx");
  const variant = index % 2 === 1;
  switch (command) {
    case "inspect":
      return { args: ["inspect", model, ...(variant ? ["--json"] : [])] };
    case "dynamic":
      return { args: ["dynamic", model, "-o", out, "--verify", "1", ...(index % 4 === 3 ? ["--external-data"] : [])], output: out };
    case "static":
      return { args: ["static", model, "-o", out, "--data", "random", "--samples", "2", "--verify", "1", ...(variant ? ["--format", "qop"] : [])], output: out };
    case "fp16":
      return { args: ["fp16", model, "-o", out, "--verify", "1", ...(variant ? ["--keep-io-types"] : [])], output: out };
    case "fuse":
      return { args: ["fuse", model, "-o", out, "--verify", "1"], output: out };
    case "compare": {
      const original = join(seed.dir, seed.file);
      return { args: variant ? ["compare", original, model, "--samples", "2"] : ["compare", model, original, "--samples", "2"] };
    }
    case "bench":
      return { args: ["bench", model, "--runs", "2", "--warmup", "1"] };
    case "eval":
      return { args: ["eval", model, "--data", seed.evalData, "--limit", "4", "--batch", "2"] };
  }
}

function writeMutant(m: Mutant, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of m.files) writeFileSync(join(dir, name), bytes);
  for (const [name, target] of m.symlinks) {
    try {
      symlinkSync(target, join(dir, name));
    } catch {
      /* already there */
    }
  }
}

export function reproCommand(seed: number, index: number): string {
  return `npm run fuzz -- --seed ${seed} --only ${index}`;
}

export async function runCampaign(o: CampaignOptions): Promise<Summary> {
  const t0 = performance.now();
  mkdirSync(o.workDir, { recursive: true });
  const seeds = await prepareSeeds(o.workDir, o.seeds);
  const summary: Summary = {
    campaignSeed: o.seed,
    mutants: 0,
    runs: 0,
    counts: Object.fromEntries(o.commands.map((c) => [c, emptyCounts()])),
    totals: emptyCounts(),
    examples: {},
    failureSignatures: {},
    errorSignatures: {},
    mutationKinds: {},
    baseline: [],
    seconds: 0,
    slowest: [],
    peakRssMb: 0,
    rerun: [],
    harnessErrors: [],
  };
  const runners: Runner[] = Array.from({ length: o.jobs }, () => (o.mode === "worker" ? workerRunner() : spawnRunner()));
  const runOne = async (runner: Runner, command: CommandName, model: string, seed: Seed, cwd: string, index: number) => {
    const outDir = join(cwd, "..", `${index}.out-${command}`);
    const { args, output } = commandArgs(command, model, seed, outDir, index);
    const req = { args, cwd, outDir, ...(output ? { output } : {}), timeoutMs: o.timeoutMs, maxRssMb: o.maxRssMb };
    let r = await runner.run(req);
    let { cls, reason } = classify(r);
    if (o.mode === "worker" && (cls === "CRASH" || cls === "HANG" || cls === "MEMORY")) {
      // The worker runs the CLI's main() without the watcher bin/quanta.js puts around it: what
      // a user gets is the binary's answer, so such runs are repeated through it and that counts.
      const worker = cls;
      r = await spawnRunner().run(req);
      ({ cls, reason } = classify(r));
      summary.rerun.push({ index, command, worker, cls });
    }
    rmSync(outDir, { recursive: true, force: true });
    rmSync(`${outDir}.tmp`, { recursive: true, force: true });
    return { args, r, cls, reason };
  };

  try {
    if (o.baseline) {
      const runner = runners[0]!;
      for (const seed of seeds) {
        for (const command of o.commands) {
          const { r, cls, reason } = await runOne(runner, command, join(seed.dir, seed.file), seed, seed.dir, -1);
          summary.baseline.push({ seed: seed.name, command, cls, reason, stderr: r.stderr.slice(0, 600) });
        }
      }
    }
    let next = 0;
    const total = o.indices.length;
    const work = async (runner: Runner) => {
      while (next < total) {
        const index = o.indices[next++]!;
        let m: Mutant;
        try {
          m = makeMutant(seeds, o.seed, index);
        } catch (e) {
          // A fuzzer bug must not stop (or hang) the campaign; it is reported and fails the slice.
          summary.harnessErrors.push(`mutant ${index}: ${(e as Error).message.slice(0, 300)}`);
          continue;
        }
        const seed = seeds.find((s) => s.name === m.seed)!;
        const dir = join(o.workDir, "mutants", `${index}`);
        writeMutant(m, join(dir, "model"));
        for (const k of m.mutations) {
          const kind = k.split(":")[0]!;
          summary.mutationKinds[kind] = (summary.mutationKinds[kind] ?? 0) + 1;
        }
        for (const command of o.commandsFor?.(index) ?? o.commands) {
          const { args, r, cls, reason } = await runOne(runner, command, join(dir, "model", m.file), seed, join(dir, "model"), index);
          summary.runs++;
          summary.counts[command]![cls]++;
          summary.totals[cls]++;
          summary.peakRssMb = Math.max(summary.peakRssMb, r.peakRssMb);
          summary.slowest.push({ ms: Math.round(r.ms), index, command, cls });
          summary.slowest.sort((a, b) => b.ms - a.ms);
          summary.slowest.length = Math.min(summary.slowest.length, 10);
          const example: Example = { index, seed: m.seed, mutations: m.mutations, command, reason, stderr: r.stderr.slice(0, 1200), repro: reproCommand(o.seed, index) };
          if (FAILURE_CLASSES.includes(cls)) {
            const key = `${cls} ${command}`;
            summary.examples[key] ??= example;
            const sig = `${cls}: ${cls === "HANG" || cls === "MEMORY" || cls === "CRASH" ? reason.replace(/\d+/g, "N") + " | " : ""}${signature(r.stderr)}`;
            const s = (summary.failureSignatures[sig] ??= { count: 0, cls, commands: [], first: example });
            s.count++;
            if (!s.commands.includes(command)) s.commands.push(command);
          } else if (cls === "ERROR") {
            const sig = signature(r.stderr);
            const s = (summary.errorSignatures[sig] ??= { count: 0, example: r.stderr.trim().slice(0, 400) });
            s.count++;
          }
          o.onRun?.({ index, seed: m.seed, mutations: m.mutations, command, argv: args, cls, reason, code: r.code, signal: r.signal, ms: r.ms, peakRssMb: r.peakRssMb, stderr: r.stderr, stdout: r.stdout });
        }
        if (!o.keep) rmSync(dir, { recursive: true, force: true });
        summary.mutants++;
        summary.seconds = (performance.now() - t0) / 1000;
        o.onMutant?.(summary.mutants, total, summary);
      }
    };
    await Promise.all(runners.map(work));
  } finally {
    await Promise.all(runners.map((r) => r.close()));
  }
  summary.seconds = (performance.now() - t0) / 1000;
  return summary;
}

export function failures(s: Summary): number {
  return FAILURE_CLASSES.reduce((a, c) => a + s.totals[c], 0) + s.harnessErrors.length;
}

/** The summary as markdown: counts per class per command, then one example per failure. */
export function summaryMarkdown(s: Summary, o: { commands: readonly CommandName[]; mode: string; seeds: string; timeoutMs: number; count: number; date: string; node: string; cpus: string }): string {
  const cls = CLASSES.filter((c) => c === "OK" || c === "ERROR" || s.totals[c] > 0 || FAILURE_CLASSES.includes(c));
  const lines = [
    "## Fuzzing: hostile models through every command",
    "",
    `_${o.date}, Node ${o.node}, ${o.cpus}_`,
    "",
    `Campaign seed ${s.campaignSeed}: ${s.mutants} mutants × ${o.commands.length} commands = ${s.runs} runs in ${(s.seconds / 60).toFixed(1)} min (mode ${o.mode}, seeds ${o.seeds}, timeout ${o.timeoutMs / 1000} s per command). Failures: **${failures(s)}**.`,
    "",
    `| command | ${cls.join(" | ")} |`,
    `| --- | ${cls.map(() => "---").join(" | ")} |`,
    ...Object.entries(s.counts).map(([c, n]) => `| ${c} | ${cls.map((k) => n[k]).join(" | ")} |`),
    `| **all** | ${cls.map((k) => `**${s.totals[k]}**`).join(" | ")} |`,
    "",
    "- OK: exit 0, output written and loadable. ERROR: exit 1/2 with exactly one `quanta: error: …` line of quanta's own (≤ 300 characters), nothing left behind.",
    "- Failures: CRASH (signal or exit code not 0/1/2), HANG (timeout), MEMORY (over the RSS cap), STACK (stack trace printed), RAW (a JavaScript error message leaked), PARTIAL (output or temp files left after a failure), LONG (error line over 300 characters), NOISE (more than the one error line), BADOUT (exit 0 without a loadable output).",
    `- Peak RSS of any run: ${s.peakRssMb.toFixed(0)} MB. Slowest runs: ${s.slowest.slice(0, 5).map((x) => `${x.command} #${x.index} ${(x.ms / 1000).toFixed(1)} s (${x.cls})`).join(", ")}.`,
    "",
  ];
  if (s.rerun.length) {
    lines.push(`Worker-mode runs that crashed, hung or went over the memory cap, repeated through \`node bin/quanta.js\` (these counts are the binary's): ${s.rerun.map((x) => `#${x.index} ${x.command} ${x.worker} → ${x.cls}`).join(", ")}.`, "");
  }
  if (s.baseline.length) {
    const bad = s.baseline.filter((b) => b.cls !== "OK");
    lines.push(`Baseline (unmutated seeds, ${s.baseline.length} runs): ${bad.length ? bad.map((b) => `${b.seed}/${b.command} ${b.cls} ${b.reason}`).join("; ") : "all OK"}.`, "");
  }
  const ex = Object.entries(s.examples);
  if (ex.length) {
    lines.push("### First example of each failure", "");
    for (const [k, e] of ex) {
      lines.push(`- **${k}** — mutant ${e.index} of ${e.seed}: ${e.mutations.join("; ").slice(0, 300)} — ${e.reason.slice(0, 200)}`);
      lines.push(`  \`${e.repro}\``);
      const first = e.stderr.trim().split("\n").slice(0, 3).join(" ⏎ ").slice(0, 300);
      if (first) lines.push(`  stderr: \`${first.replace(/`/g, "'")}\``);
    }
    lines.push("");
  }
  if (s.harnessErrors.length) lines.push(`Fuzzer errors (mutants not built): ${s.harnessErrors.slice(0, 5).join("; ")}.`, "");
  const kinds = Object.entries(s.mutationKinds).sort((a, b) => b[1] - a[1]);
  lines.push(`Mutations applied: ${kinds.map(([k, n]) => `${k} ${n}`).join(", ")}.`, "");
  const errs = Object.entries(s.errorSignatures).sort((a, b) => b[1].count - a[1].count);
  lines.push(`${errs.length} distinct error messages (numbers and names blanked); the most frequent:`, "");
  for (const [, v] of errs.slice(0, 15)) lines.push(`- ${v.count} × \`${v.example.replace(/^quanta: error: /, "").replace(/`/g, "'").slice(0, 200)}\``);
  lines.push("");
  return lines.join("\n");
}
