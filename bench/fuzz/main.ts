// `npm run fuzz`: thousands of mutated models through every quanta command, each run classified;
// writes bench/results/fuzz.{json,md}. Never part of `npm test` (which runs a small slice).
//
//   npm run fuzz -- --count 10000 --jobs 2                 a campaign
//   npm run fuzz -- --seed 1 --only 1234                   reproduce one mutant, with its output
//   npm run fuzz -- --commands inspect,dynamic --count 200 --mode worker

import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { COMMANDS, failures, runCampaign, summaryMarkdown, type CommandName, type Summary } from "./campaign.js";
import { CLASSES } from "./classify.js";

interface Args {
  count: number;
  seed: number;
  start: number;
  only?: number[];
  commands: CommandName[];
  jobs: number;
  mode: "spawn" | "worker";
  seeds: "all" | "small";
  timeoutS: number;
  maxRssMb: number;
  work: string;
  baseline: boolean;
  keep: boolean;
  results: string;
  /** Base name of the result files (default "fuzz": fuzz.json, fuzz.md). */
  name: string;
}

function parse(argv: string[]): Args {
  const a: Args = {
    count: 1000,
    seed: 1,
    start: 0,
    commands: [...COMMANDS],
    jobs: 2,
    mode: "spawn",
    seeds: "all",
    timeoutS: 60,
    maxRssMb: 3072,
    work: resolve("out/fuzz"),
    baseline: true,
    keep: false,
    results: resolve("bench/results"),
    name: "fuzz",
  };
  const int = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) usage(`${flag} needs a whole number, got ${JSON.stringify(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    const v = () => argv[++i];
    switch (f) {
      case "--count": a.count = int(f, v()); break;
      case "--seed": a.seed = int(f, v()); break;
      case "--start": a.start = int(f, v()); break;
      case "--only": a.only = indexList(v() ?? ""); break;
      case "--jobs": a.jobs = Math.max(1, int(f, v())); break;
      case "--timeout": a.timeoutS = Math.max(1, int(f, v())); break;
      case "--max-rss-mb": a.maxRssMb = Math.max(64, int(f, v())); break;
      case "--work": a.work = resolve(v() ?? ""); break;
      case "--results": a.results = resolve(v() ?? ""); break;
      case "--name": {
        const n = v() ?? "";
        if (!/^[\w.-]+$/.test(n)) usage("--name takes a plain file name such as fuzz-spawn");
        a.name = n;
        break;
      }
      case "--no-baseline": a.baseline = false; break;
      case "--keep": a.keep = true; break;
      case "--mode": {
        const m = v();
        if (m !== "spawn" && m !== "worker") usage("--mode is spawn or worker");
        a.mode = m;
        break;
      }
      case "--seeds": {
        const s = v();
        if (s !== "all" && s !== "small") usage("--seeds is all or small");
        a.seeds = s;
        break;
      }
      case "--commands": {
        const list = (v() ?? "").split(",").map((s) => s.trim()).filter(Boolean);
        const bad = list.filter((c) => !(COMMANDS as readonly string[]).includes(c));
        if (bad.length || !list.length) usage(`--commands takes a comma-separated list of ${COMMANDS.join(", ")}`);
        a.commands = list as CommandName[];
        break;
      }
      case "-h":
      case "--help":
        process.stdout.write(
          "npm run fuzz -- [--count N] [--seed S] [--start K] [--only N[,M|..M]] [--commands inspect,dynamic,…]\n" +
            "                [--jobs J] [--mode spawn|worker] [--seeds all|small] [--timeout S] [--max-rss-mb MB]\n" +
            "                [--work DIR] [--results DIR] [--name fuzz] [--no-baseline] [--keep]\n",
        );
        process.exit(0);
      default:
        usage(`unknown option ${f}`);
    }
  }
  return a;
}

function indexList(s: string): number[] {
  const out: number[] = [];
  for (const part of s.split(",")) {
    const m = /^(\d+)(?:\.\.(\d+))?$/.exec(part.trim());
    if (!m) usage(`--only takes mutant numbers like 12, 3,7 or 10..20; got ${JSON.stringify(s)}`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

function usage(msg: string): never {
  process.stderr.write(`fuzz: ${msg}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const a = parse(process.argv.slice(2));
  const indices = a.only ?? Array.from({ length: a.count }, (_, i) => a.start + i);
  const only = a.only !== undefined;
  const meta = { date: new Date().toISOString(), node: process.version, cpus: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}` };
  const write = (s: Summary, final: boolean) => {
    if (only) return;
    mkdirSync(a.results, { recursive: true });
    const opts = { commands: a.commands, mode: a.mode, seeds: a.seeds, timeoutMs: a.timeoutS * 1000, count: indices.length, ...meta };
    writeFileSync(join(a.results, `${a.name}.json`), JSON.stringify({ suite: "fuzz", ...meta, complete: final, options: { ...a, work: undefined, results: undefined }, ...s }, null, 2) + "\n");
    writeFileSync(join(a.results, `${a.name}.md`), summaryMarkdown(s, opts));
  };
  let lastWrite = Date.now();
  const s = await runCampaign({
    seed: a.seed,
    indices,
    commands: a.commands,
    jobs: a.jobs,
    mode: a.mode,
    seeds: a.seeds,
    timeoutMs: a.timeoutS * 1000,
    maxRssMb: a.maxRssMb,
    workDir: a.work,
    baseline: a.baseline && !only,
    keep: a.keep || only,
    onMutant: (done, total, s) => {
      if (done % 20 === 0 || done === total) {
        const counts = CLASSES.filter((c) => s.totals[c] > 0).map((c) => `${c} ${s.totals[c]}`).join(", ");
        process.stderr.write(`fuzz: ${done}/${total} mutants, ${s.runs} runs in ${(s.seconds / 60).toFixed(1)} min: ${counts}\n`);
      }
      if (Date.now() - lastWrite > 5 * 60_000) (write(s, false), (lastWrite = Date.now()));
    },
    onRun: only
      ? (r) => {
          process.stdout.write(`\n#${r.index} ${r.seed} [${r.mutations.join("; ").slice(0, 500)}]\n  ${r.command}: ${r.cls}${r.reason ? ` (${r.reason})` : ""}, exit ${r.code ?? r.signal}, ${(r.ms / 1000).toFixed(2)} s, ${r.peakRssMb.toFixed(0)} MB\n  $ quanta ${r.argv.join(" ")}\n`);
          const text = (r.stderr + (r.cls !== "OK" ? "" : "")).trim();
          if (text) process.stdout.write(text.split("\n").slice(0, 30).map((l) => `  | ${l.slice(0, 400)}`).join("\n") + "\n");
        }
      : undefined,
  });
  write(s, true);
  const counts = CLASSES.map((c) => `${c} ${s.totals[c]}`).join(", ");
  process.stdout.write(`fuzz: ${s.mutants} mutants, ${s.runs} runs in ${(s.seconds / 60).toFixed(1)} min: ${counts}; failures ${failures(s)}\n`);
  if (only) process.stdout.write(`mutant folders kept under ${join(a.work, "mutants")}\n`);
  else process.stdout.write(`wrote ${join(a.results, `${a.name}.md`)} and ${a.name}.json\n`);
  const bad = s.baseline.filter((b) => b.cls !== "OK");
  for (const b of bad) process.stdout.write(`baseline ${b.seed}/${b.command}: ${b.cls} ${b.reason} ${b.stderr.trim().slice(0, 300)}\n`);
}

await main();
