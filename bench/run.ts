// `npm run bench`: benchmarks that write JSON and markdown under bench/results/. Never part of
// `npm test`. Latencies are medians; comparisons are measured side by side in one process.

import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { buildZooModel } from "../src/zoo/index.js";
import { saveModel } from "../src/ir/serde/save.js";
import { inspectModel } from "../src/inspect/inspect.js";
import { measureLatency } from "../src/evaluate/latency.js";

const RESULTS = join(process.cwd(), "bench", "results");
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith("-"));
const want = (suite: string) => only.length === 0 || only.includes(suite);

interface Row {
  [k: string]: string | number;
}

function writeResults(name: string, title: string, rows: Row[], notes: string[]): void {
  mkdirSync(RESULTS, { recursive: true });
  const meta = { suite: name, date: new Date().toISOString(), node: process.version, cpus: cpuLabel() };
  writeFileSync(join(RESULTS, `${name}.json`), JSON.stringify({ ...meta, rows, notes }, null, 2) + "\n");
  const cols = Object.keys(rows[0] ?? {});
  const md = [
    `## ${title}`,
    "",
    `_${meta.date}, Node ${meta.node}, ${meta.cpus}_`,
    "",
    `| ${cols.join(" | ")} |`,
    `| ${cols.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${cols.map((c) => r[c]).join(" | ")} |`),
    "",
    ...notes.map((n) => `- ${n}`),
    "",
  ].join("\n");
  writeFileSync(join(RESULTS, `${name}.md`), md);
  process.stdout.write(md + "\n");
}

function cpuLabel(): string {
  const c = cpus();
  return `${c.length} × ${c[0]?.model ?? "cpu"}`;
}

const MB = (n: number) => (n / 2 ** 20).toFixed(1);

async function ioSuite(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "quanta-bench-io-"));
  try {
    const rows: Row[] = [];
    for (const name of ["resnet18", "bert-base"]) {
      const t0 = performance.now();
      const model = buildZooModel(name);
      const buildMs = performance.now() - t0;
      const src = join(dir, `${name}.onnx`);
      saveModel(model, src);
      const fileBytes = statSync(src).size;
      for (const mode of ["inline", "external"]) {
        const out = execFileSync(process.execPath, [join("dist", "bench", "io-child.js"), src, join(dir, `${name}-${mode}.onnx`), mode], { encoding: "utf8" });
        const r = JSON.parse(out) as { loadMs: number; saveMs: number; peakRssBytes: number };
        rows.push({
          model: name,
          "save as": mode,
          "file MB": MB(fileBytes),
          "build ms": buildMs.toFixed(0),
          "load ms": r.loadMs.toFixed(0),
          "save ms": r.saveMs.toFixed(0),
          "peak RSS MB": MB(r.peakRssBytes),
          "RSS / file": (r.peakRssBytes / fileBytes).toFixed(2),
        });
      }
    }
    writeResults("io", "Model I/O: load + save in a fresh process", rows, [
      "load = read + protobuf decode + IR; save = IR → protobuf → temp file → rename (external: weights streamed to a side file).",
      "peak RSS includes Node itself (~50 MB).",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function latencySuite(): Promise<void> {
  const rows: Row[] = [];
  const cases: [string, Record<string, number>][] = [
    ["resnet18", { batch: 1 }],
    ["bert-base", { batch: 1, sequence: 128 }],
  ];
  for (const [name, dims] of cases) {
    const model = buildZooModel(name);
    const info = inspectModel(model);
    for (const threads of [1, 2]) {
      const r = await measureLatency(model, { threads, dims, runs: name === "bert-base" ? 30 : 50, warmup: 5 });
      rows.push({
        model: name,
        dims: Object.entries(dims).map(([k, v]) => `${k}=${v}`).join(" "),
        threads,
        parameters: info.parameters.toLocaleString("en-US"),
        "median ms": r.medianMs.toFixed(2),
        "p90 ms": r.p90Ms.toFixed(2),
        "min ms": r.minMs.toFixed(2),
        "samples/s": r.throughput.toFixed(1),
      });
    }
  }
  writeResults("latency-fp32", "fp32 latency in ONNX Runtime (graph optimization 'all')", rows, ["Random inputs of the right types; medians over the timed runs after warm-up."]);
}

async function main(): Promise<void> {
  if (want("io")) await ioSuite();
  if (want("latency")) await latencySuite();
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack}\n`);
  process.exitCode = 1;
});
