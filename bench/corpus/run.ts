// `npm run corpus`: the interop corpus — every model nobody on the project designed, through
// load → save and every command — written to bench/results/corpus-*.{json,md} and summarized in
// the README. Models are evaluated in worker processes (a native crash costs one model, a hang
// is cut off after --timeout seconds).
//
//   npm run corpus                         all suites, 2 workers
//   npm run corpus -- --suite torch        one suite (onnx-backend, torch, shared)
//   npm run corpus -- --only 'conv|gemm'   entries whose group/name matches; prints, writes nothing

import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { backendDataDir, backendDownloadOnly, backendEntries, sharedEntries, torchEntries, torchManifest, NO_BACKEND_DATA, type CorpusEntry } from "./entries.js";
import type { CorpusRecord } from "./evaluate.js";
import { COMMANDS, type CommandName, type CommandOutcome } from "./harness.js";
import { projectRoot } from "../../src/data/fixture-paths.js";
import { corpusJson } from "./json.js";

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const jobs = Math.max(1, Number(flag("--jobs") ?? Math.min(2, cpus().length)));
const timeoutS = Number(flag("--timeout") ?? 300);
const only = flag("--only");
const suites = args.flatMap((a, i) => (args[i - 1] === "--suite" ? [a] : []));
const RESULTS = join(projectRoot, "bench", "results");

function selected(): CorpusEntry[] {
  const want = (s: string) => suites.length === 0 || suites.includes(s);
  const all = [...(want("torch") ? torchEntries() : []), ...(want("shared") ? sharedEntries() : []), ...(want("onnx-backend") ? backendEntries() : [])];
  if (want("onnx-backend") && !backendDataDir()) process.stderr.write(`corpus: ${NO_BACKEND_DATA}; that suite is skipped\n`);
  const re = only ? new RegExp(only) : undefined;
  return re ? all.filter((e) => re.test(`${e.group}/${e.name}`)) : all;
}

/** Runs entries over `jobs` worker processes; a worker that dies or times out is replaced. */
async function evaluateAll(entries: CorpusEntry[]): Promise<CorpusRecord[]> {
  const results = new Array<CorpusRecord>(entries.length);
  const worker = fileURLToPath(new URL("./worker.js", import.meta.url));
  let next = 0;
  let finished = 0;
  const t0 = performance.now();
  const failed = (e: CorpusEntry, detail: string, ms: number): CorpusRecord => ({
    suite: e.suite,
    group: e.group,
    name: e.name,
    roundTrip: { status: "failed", detail, ms },
    commands: Object.fromEntries(COMMANDS.map((c) => [c, { status: "crash", detail, ms: 0 } satisfies CommandOutcome])),
    ms,
  });
  const lane = async (): Promise<void> => {
    let child: ChildProcess | undefined;
    const spawn = (): Promise<ChildProcess> =>
      new Promise((resolve) => {
        const c = fork(worker, [], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
        c.once("message", () => resolve(c));
      });
    while (next < entries.length) {
      const i = next++;
      const e = entries[i]!;
      child ??= await spawn();
      const c = child;
      const start = performance.now();
      results[i] = await new Promise<CorpusRecord>((resolve) => {
        const timer = setTimeout(() => {
          c.kill("SIGKILL");
          resolve(failed(e, `timed out after ${timeoutS} s`, performance.now() - start));
        }, timeoutS * 1000);
        const onExit = (code: number | null, signal: string | null) => {
          clearTimeout(timer);
          resolve(failed(e, `the process died (${signal ?? `exit code ${code}`})`, performance.now() - start));
        };
        c.once("exit", onExit);
        c.once("message", (m: { ok: boolean; record?: CorpusRecord; error?: string }) => {
          clearTimeout(timer);
          c.off("exit", onExit);
          resolve(m.ok ? m.record! : failed(e, `harness error: ${m.error!.split("\n")[0]}`, performance.now() - start));
        });
        c.send(e);
      });
      if (results[i]!.roundTrip.status === "failed" && /timed out|process died/.test(results[i]!.roundTrip.detail ?? "")) child = undefined;
      finished++;
      if (finished % 50 === 0 || finished === entries.length) {
        process.stderr.write(`corpus: ${finished}/${entries.length} models, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
      }
    }
    child?.kill();
  };
  await Promise.all(Array.from({ length: Math.min(jobs, entries.length) }, lane));
  return results;
}

// ---------------------------------------------------------------------------------------------
// Report

const COMMAND_HEADERS: Record<CommandName, string> = { dynamic: "dynamic", static: "static --data random", fp16: "fp16", "fp16-keep-io": "fp16 --keep-io-types" };

function db(x: number | undefined): string {
  if (x === undefined) return "";
  return Number.isFinite(x) ? `${x.toFixed(1)} dB` : "∞ dB";
}

function clip(s: string, n = 110): string {
  const one = s.replace(/\|/g, "\\|").replace(/\s+/g, " ");
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

function cell(o: CommandOutcome | undefined): string {
  if (!o) return "";
  const agreement = o.sqnrDb !== undefined ? `${db(o.sqnrDb)}${o.top1 !== undefined ? `, top-1 ${(100 * o.top1).toFixed(1)}%` : ""}` : o.samples === 0 ? "not verified" : "";
  switch (o.status) {
    case "done":
      return `${agreement}${o.what ? ` (${clip(o.what, 60)})` : ""}`;
    case "unchanged":
      return `unchanged${agreement ? `, ${agreement}` : ""}`;
    case "skipped":
      return `skipped`;
    case "refused":
      return `refused: ${clip(o.detail ?? "")}`;
    case "broken":
      return `**broken**: ${clip(o.detail ?? "")}`;
    case "crash":
      return `**CRASH**: ${clip(o.detail ?? "")}`;
  }
}

function rtCell(r: CorpusRecord): string {
  const rt = r.roundTrip;
  const proto = rt.protoEqual === undefined ? "" : rt.protoEqual ? ", proto equal" : ", proto differs";
  switch (rt.status) {
    case "identical":
      return `identical${proto}${rt.detail ? " (random op: types/shapes)" : ""}`;
    case "not-run":
      return `loads${proto}; not run: ${clip(rt.detail ?? "", 80)}`;
    case "skipped":
      return `skipped: ${clip(rt.detail ?? "", 80)}`;
    default:
      return `**${rt.status}**${proto}: ${clip(rt.detail ?? "")}`;
  }
}

function vsExpected(r: CorpusRecord): string {
  const rt = r.roundTrip;
  if (!rt.vsExpected || rt.vsExpected === "none") return "";
  return `${rt.vsExpected}${rt.expectedMaxAbs ? ` (max ${rt.expectedMaxAbs.toPrecision(2)})` : ""}`;
}

const STATUSES = ["done", "unchanged", "refused", "broken", "crash", "skipped"] as const;

function countTable(records: CorpusRecord[], groups: string[]): string[] {
  const lines = [
    `| group | models | round trip identical | not run (inputs) | skipped (ORT can't load) | round trip failed | ${COMMANDS.map((c) => `${COMMAND_HEADERS[c]}: done / unchanged / refused / broken / crash`).join(" | ")} |`,
    `| --- | --- | --- | --- | --- | --- | ${COMMANDS.map(() => "---").join(" | ")} |`,
  ];
  const row = (label: string, rs: CorpusRecord[]) => {
    const rt = (s: string) => rs.filter((r) => r.roundTrip.status === s).length;
    const cmd = (c: CommandName) => STATUSES.slice(0, 5).map((s) => rs.filter((r) => r.commands[c]?.status === s).length).join(" / ");
    lines.push(`| ${label} | ${rs.length} | ${rt("identical")} | ${rt("not-run")} | ${rt("skipped")} | ${rt("differs") + rt("failed")} | ${COMMANDS.map(cmd).join(" | ")} |`);
  };
  for (const g of groups) row(g, records.filter((r) => r.group === g));
  if (groups.length > 1) row("**all**", records);
  return lines;
}

/** Distinct refusals / breakages / crashes, with quoted names and numbers blurred so alike ones group. */
function messageTable(records: CorpusRecord[]): string[] {
  const counts = new Map<string, { n: number; examples: string[] }>();
  for (const r of records) {
    for (const c of COMMANDS) {
      const o = r.commands[c];
      if (!o || !["refused", "broken", "crash"].includes(o.status)) continue;
      if (o.status === "refused" || o.status === "crash" || o.status === "broken") {
        const key = `${c} | ${o.status} | ${(o.detail ?? "").replace(/"[^"]*"/g, '"…"').replace(/\d+(\.\d+)?/g, "N").slice(0, 140)}`;
        const e = counts.get(key) ?? { n: 0, examples: [] };
        e.n++;
        if (e.examples.length < 3) e.examples.push(r.name);
        counts.set(key, e);
      }
    }
    const rt = r.roundTrip;
    if (rt.status === "differs" || rt.status === "failed") {
      const key = `round trip | ${rt.status} | ${(rt.detail ?? "").replace(/"[^"]*"/g, '"…"').replace(/\d+/g, "N").slice(0, 140)}`;
      const e = counts.get(key) ?? { n: 0, examples: [] };
      e.n++;
      if (e.examples.length < 3) e.examples.push(r.name);
      counts.set(key, e);
    }
  }
  const rows = [...counts.entries()].sort((a, b) => b[1].n - a[1].n);
  return [
    "| step | outcome | message (names and numbers blurred) | models | e.g. |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map(([k, v]) => {
      const [step, status, msg] = k.split(" | ");
      return `| ${step} | ${status} | ${clip(msg!, 140)} | ${v.n} | ${v.examples.join(", ")} |`;
    }),
  ];
}

function fullTable(records: CorpusRecord[], withExpected: string): string[] {
  return [
    `| model | opset | round trip (ORT on original vs quanta load → save) | ${withExpected} | ${COMMANDS.map((c) => COMMAND_HEADERS[c]).join(" | ")} |`,
    `| --- | --- | --- | --- | ${COMMANDS.map(() => "---").join(" | ")} |`,
    ...records.map((r) => `| ${r.group === r.suite ? r.name : `${r.group}/${r.name}`} | ${r.opset ?? ""} | ${rtCell(r)} | ${vsExpected(r)} | ${COMMANDS.map((c) => cell(r.commands[c])).join(" | ")} |`),
  ];
}

function header(title: string, date: string, seconds: number): string[] {
  const c = cpus();
  return [`## ${title}`, "", `_${date}, Node ${process.version}, ${c.length} × ${c[0]?.model ?? "cpu"}, ${seconds.toFixed(0)} s with ${jobs} worker(s)_`, ""];
}

const NOTES = [
  "Round trip: quanta loads the model and saves it; ONNX Runtime (1 thread) runs the original file and the saved file on the same inputs (the test's own input_*.pb, the exporter's inputs, or real test images) and every output must be bit-identical. 'proto equal': the saved ModelProto equals the original message field by field. Models with random ops compare types and shapes only (the original differs from itself).",
  "Commands run as the CLI runs them, with default flags, through the library: load, transform, save, then the saved file is loaded again, opened in ONNX Runtime and compared with the float model (SQNR of the worst output; top-1 agreement for class scores). refused = a one-line QuantaError (what `quanta` prints as `quanta: error: …`); broken = quanta wrote a model ONNX Runtime rejects, or one that fails on inputs the float model runs on; CRASH = any other exception (an internal error); unchanged = nothing to quantize or convert (still verified).",
  "Random data (backend tests): `static` calibrates on 8 random samples, every command is verified on 4 (uniform [0,1) floats, in-range indices, masks of ones). Where the float model does not run on quanta's random inputs (operands with their own fixed shapes, scalars, shape/axes inputs), the result is compared on the test's own input_*.pb instead; 'not verified' (string inputs, which quanta's runtime does not carry): the output was only opened in ONNX Runtime.",
];

function writeSuite(file: string, title: string, records: CorpusRecord[], date: string, seconds: number, extra: string[], withExpected: string): string {
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, `${file}.json`), corpusJson({ suite: file, date, node: process.version, cpus: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}`, seconds, notes: [...NOTES, ...extra] }, records));
  const groups = [...new Set(records.map((r) => r.group))];
  const md = [
    ...header(title, date, seconds),
    ...countTable(records, groups),
    "",
    ...[...NOTES, ...extra].map((n) => `- ${n}`),
    "",
    "### Refusals, broken outputs and crashes",
    "",
    ...messageTable(records),
    "",
    "### Every model",
    "",
    ...fullTable(records, withExpected),
    "",
  ].join("\n");
  writeFileSync(join(RESULTS, `${file}.md`), md);
  return md;
}

/** Replaces the README's <!-- corpus --> section with the summary and the small models table. */
function showInReadme(section: string): void {
  const path = join(projectRoot, "README.md");
  const readme = readFileSync(path, "utf8");
  const start = "<!-- corpus -->";
  const end = "<!-- /corpus -->";
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < i) return;
  writeFileSync(path, `${readme.slice(0, i + start.length)}\n${section}\n${readme.slice(j)}`);
}

async function main(): Promise<void> {
  const entries = selected();
  const t0 = performance.now();
  const records = await evaluateAll(entries);
  const seconds = (performance.now() - t0) / 1000;
  const date = new Date().toISOString();
  if (only) {
    for (const line of fullTable(records, "vs expected")) process.stdout.write(line + "\n");
    return;
  }
  const backend = records.filter((r) => r.suite === "onnx-backend");
  const models = records.filter((r) => r.suite !== "onnx-backend");
  const readme: string[] = [];
  if (backend.length) {
    const downloadOnly = backendDownloadOnly();
    writeSuite("corpus-onnx-backend", "Interop corpus: ONNX backend test models (libonnx-testdata)", backend, date, seconds, [
      `Data: ${backendDataDir()} (Debian libonnx-testdata). The package's 'real' group (${downloadOnly.join(", ")}) holds only download URLs, no models: not in the table.`,
      "vs expected: ONNX Runtime on the original file vs the test's output_*.pb (ONNX's tolerance rtol 1e-3, atol 1e-7): ONNX Runtime's own conformance, for orientation.",
    ], "ORT vs output_*.pb");
    readme.push(
      `**ONNX backend test models** (${backend.length} models from Debian's \`libonnx-testdata\`; full table: [bench/results/corpus-onnx-backend.md](bench/results/corpus-onnx-backend.md)):`,
      "",
      ...countTable(backend, [...new Set(backend.map((r) => r.group))]),
      "",
    );
  }
  if (models.length) {
    const manifest = new Map(torchManifest().map((m) => [m.name, m]));
    writeSuite("corpus-models", "Interop corpus: PyTorch exports and the real models in ../shared", models, date, seconds, [
      "torch: exported by scripts/export-torch-corpus.py (PyTorch 1.13, each trained on a small synthetic task; training accuracies in test/fixtures/torch/manifest.json); calibrated and verified on the exporter's own inputs (the .npz beside each model); 'vs PyTorch' is ONNX Runtime on the original export vs PyTorch's outputs (rtol 1e-3, atol 1e-4).",
      "shared: calibrated on the first 100 test images and verified on the same 100 (agreement with the float model, not accuracy).",
      ...[...manifest.values()].map((m) => `${m.name}: ${m.description} (opset ${m.opset}; accuracy ${m.train_accuracy} in training, ${m.eval_accuracy} on the .npz samples)`),
    ], "vs PyTorch");
    readme.push(
      "**PyTorch exports and real models** ([bench/results/corpus-models.md](bench/results/corpus-models.md)):",
      "",
      ...fullTable(models, "vs PyTorch"),
      "",
    );
  }
  if (!only && suites.length === 0) showInReadme([`_${date}, ${seconds.toFixed(0)} s with ${jobs} worker(s)_`, "", ...readme].join("\n"));
  process.stderr.write(`corpus: ${records.length} models in ${seconds.toFixed(0)} s; results in bench/results/\n`);
}

main().catch((e) => {
  process.stderr.write(`corpus failed: ${(e as Error).stack}\n`);
  process.exitCode = 1;
});
