// Every `npx quanta …` line of the README and every example at the end of `quanta <command>
// --help`, run exactly as written through bin/quanta.js, in a folder where the names they use
// (model.onnx, calib.npz, images/, …) are real files: the project's and the shared real models,
// zoo models, and data made from the project's MNIST / Fashion-MNIST test sets. Each must exit 0
// and produce what it says. A line that uses a name this test has no file for fails the test,
// so a new README line comes with its fixture.

import { before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { basename, join } from "node:path";
import sharp from "sharp";
import { HAVE_SHARED, ROOT, SHARED, SKIP_SHARED, sharedModel, tempDir } from "./helpers.js";
import { loadModel } from "../src/ir/serde/load.js";
import { saveModel } from "../src/ir/serde/save.js";
import { DataType } from "../src/ir/dtype.js";
import { buildZooModel } from "../src/zoo/index.js";
import { openDataset } from "../src/data/open-dataset.js";
import { writeNpz } from "../src/data/npz.js";

const BIN = join(ROOT, "bin", "quanta.js");
const fixtures = tempDir("quanta-readme-fixtures-");
const work = tempDir("quanta-readme-runs-");

/** Command lines (without `npx`), continuation lines joined, comments dropped; `[x]` runs without and with x. */
function readmeCommands(): string[][] {
  const md = readFileSync(join(ROOT, "README.md"), "utf8");
  const out: string[][] = [];
  for (const [, block] of md.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const raw of block!.replace(/\\\n\s*/g, " ").split("\n")) {
      const line = raw.replace(/\s+#.*$/, "").trim();
      if (!line.startsWith("npx quanta ")) continue;
      const optional = /\[([^\]]+)\]/g;
      out.push(words(line.replace(optional, "").slice(4)));
      if (optional.test(line)) out.push(words(line.replace(/\[([^\]]+)\]/g, "$1").slice(4)));
    }
  }
  return out;
}

const words = (s: string) => s.trim().split(/\s+/);
const key = (args: readonly string[]) => args.join(" ");

function run(args: readonly string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args.slice(1)], { cwd, timeout: 300_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

// ---- fixtures -------------------------------------------------------------------------------

const F: Record<string, string> = {};
const MNIST = join(ROOT, "data", "mnist");
const FASHION = join(ROOT, "data", "fashion-mnist");

/** The first n images and labels of an idx pair, written as a new gzipped idx pair (labels found beside the images). */
function idxSubset(from: string, to: string, prefix: "train" | "t10k", offset: number, n: number): string {
  const images = gunzipSync(readFileSync(join(from, "t10k-images-idx3-ubyte.gz")));
  const labels = gunzipSync(readFileSync(join(from, "t10k-labels-idx1-ubyte.gz")));
  const rows = images.readUInt32BE(8);
  const cols = images.readUInt32BE(12);
  const head = Buffer.from(images.subarray(0, 16));
  head.writeUInt32BE(n, 4);
  const lhead = Buffer.from(labels.subarray(0, 8));
  lhead.writeUInt32BE(n, 4);
  mkdirSync(to, { recursive: true });
  writeFileSync(join(to, `${prefix}-images-idx3-ubyte.gz`), gzipSync(Buffer.concat([head, images.subarray(16 + offset * rows * cols, 16 + (offset + n) * rows * cols)])));
  writeFileSync(join(to, `${prefix}-labels-idx1-ubyte.gz`), gzipSync(Buffer.concat([lhead, labels.subarray(8 + offset, 8 + offset + n)])));
  return join(to, `${prefix}-images-idx3-ubyte.gz`);
}

/** n images and labels of an idx test set as .npz entries (plus scalar mean/std, as people save them). */
async function npzFrom(images: string, path: string, names: { x: string; y: string }, n = 48): Promise<string> {
  const ds = await openDataset(images, { limit: n });
  const xs = new Float32Array(n * 784);
  const ys = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const s = await ds.get(i);
    xs.set(Object.values(s.inputs)[0]!.data as Float32Array, i * 784);
    ys[i] = BigInt(s.label!);
  }
  await writeNpz(path, {
    [names.x]: { type: "float32", dims: [n, 1, 28, 28], data: xs },
    [names.y]: { type: "int64", dims: [n], data: ys },
    mean: { type: "float64", dims: [], data: Float64Array.of(0.1307) },
    std: { type: "float64", dims: [], data: Float64Array.of(0.3081) },
  });
  return path;
}

before(async () => {
  for (const name of ["resnet-tiny", "bert-tiny", "resnet18"]) {
    F[name] = join(fixtures, `${name}.onnx`);
    saveModel(buildZooModel(name), F[name]!);
  }
  F.mnistNpz = await npzFrom(join(MNIST, "t10k-images-idx3-ubyte.gz"), join(fixtures, "mnist.npz"), { x: "x", y: "y" });
  F.fashionNpz = await npzFrom(join(FASHION, "t10k-images-idx3-ubyte.gz"), join(fixtures, "fashion.npz"), { x: "x", y: "y" });
  F.testNpz = await npzFrom(join(FASHION, "t10k-images-idx3-ubyte.gz"), join(fixtures, "test.npz"), { x: "images", y: "targets" });
  F.trainIdx = idxSubset(FASHION, join(fixtures, "fashion-train"), "train", 0, 128);
  F.mnistIdx = idxSubset(MNIST, join(fixtures, "mnist-t10k"), "t10k", 0, 1000);
  F.evalIdx = idxSubset(FASHION, join(fixtures, "fashion-eval"), "t10k", 128, 64);
  // Photos to resize: two classes of eight, different sizes and colors.
  F.images = join(fixtures, "images");
  for (const [cls, seed] of [["cat", 1], ["dog", 2]] as const) {
    mkdirSync(join(F.images, cls), { recursive: true });
    for (let k = 0; k < 8; k++) {
      const w = 40 + 8 * k;
      const h = 30 + 4 * k;
      const raw = Buffer.from(Array.from({ length: w * h * 3 }, (_, i) => (i * (seed * 7 + k * 3) + seed * 50) % 256));
      await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toFile(join(F.images, cls, `${k}.png`));
    }
  }
  if (HAVE_SHARED) {
    // AG News headlines as JSONL, the held-out rows being every fifth.
    const rows = readFileSync(join(SHARED, "data", "text", "agnews-test.csv"), "utf8").split("\n").filter(Boolean).slice(0, 200);
    const jsonl = rows.map((r) => {
      const [, label, title] = /^"(\d)","((?:[^"]|"")*)"/.exec(r)!;
      return JSON.stringify({ text: title!.replace(/""/g, '"'), label: Number(label) });
    });
    F.train = join(fixtures, "train.jsonl");
    F.heldOut = join(fixtures, "held-out.jsonl");
    writeFileSync(F.train, jsonl.filter((_, i) => i % 5).join("\n") + "\n");
    writeFileSync(F.heldOut, jsonl.filter((_, i) => i % 5 === 0).join("\n") + "\n");
  }
});

// ---- which files a line runs with -----------------------------------------------------------

interface Setup {
  label: string;
  files: Record<string, string>;
}

const project = (name: string) => join(ROOT, "models", name);

/**
 * The models the generic model lines run on, each with data of its kind: the project's two, a
 * shared real export (PyTorch 1.3, IR 4, opset 10, two outputs), and zoo models for the lines
 * that need no data. `inspect` runs on the first only (it does not depend on the model).
 */
function modelMatrix(): (Setup & { data: boolean; only?: readonly string[] })[] {
  const out: (Setup & { data: boolean; only?: readonly string[] })[] = [
    { label: "mnist-12 (project)", files: { "model.onnx": project("mnist-12.onnx"), "calib.npz": F.mnistNpz! }, data: true },
    { label: "fmnist-cnn (project)", files: { "model.onnx": project("fmnist-cnn.onnx"), "calib.npz": F.fashionNpz! }, data: true, only: ["dynamic", "static", "fp16", "fuse", "compare"] },
    { label: "resnet-tiny (zoo)", files: { "model.onnx": F["resnet-tiny"]! }, data: false, only: ["dynamic", "fp16"] },
    { label: "bert-tiny (zoo)", files: { "model.onnx": F["bert-tiny"]! }, data: false, only: ["dynamic", "fp16"] },
  ];
  if (HAVE_SHARED) {
    out.push({ label: "fmnist-cnn-edwin19 (shared)", files: { "model.onnx": sharedModel("fmnist-cnn-edwin19.onnx"), "calib.npz": F.fashionNpz! }, data: true, only: ["dynamic", "static", "fp16", "fuse", "compare"] });
  }
  return out;
}

/** Lines that need particular files: the setup, or why it is skipped. null: a generic model line. */
function special(args: readonly string[]): Setup | string | null {
  const [, cmd] = args;
  const has = (s: string) => args.includes(s);
  if (cmd === "zoo" || cmd === "doctor") return { label: "no files", files: {} };
  if (cmd === "train" && args[2] === "fmnist-resnet") {
    return { label: "Fashion-MNIST subsets", files: { "train-images-idx3-ubyte.gz": F.trainIdx!, "train-labels-idx1-ubyte.gz": F.trainIdx!.replace("images-idx3", "labels-idx1"), "t10k-images-idx3-ubyte.gz": F.evalIdx!, "t10k-labels-idx1-ubyte.gz": F.evalIdx!.replace("images-idx3", "labels-idx1") } };
  }
  if (cmd === "qat") {
    return { label: "fmnist-cnn + Fashion-MNIST subsets", files: { "model.onnx": project("fmnist-cnn.onnx"), "train-images-idx3-ubyte.gz": F.trainIdx!, "train-labels-idx1-ubyte.gz": F.trainIdx!.replace("images-idx3", "labels-idx1"), "t10k-images-idx3-ubyte.gz": F.evalIdx!, "t10k-labels-idx1-ubyte.gz": F.evalIdx!.replace("images-idx3", "labels-idx1") } };
  }
  if (cmd === "train") {
    if (!HAVE_SHARED) return `${SKIP_SHARED} (the AG News text)`;
    return { label: "agnews-encoder + AG News", files: { "model.onnx": project("agnews-encoder.onnx"), "vocab.txt": project("agnews-vocab.txt"), "train.jsonl": F.train!, "held-out.jsonl": F.heldOut! } };
  }
  if (cmd === "bench") return { label: "bert-tiny (zoo)", files: { "model.onnx": F["bert-tiny"]! } };
  if (cmd === "eval" && has("test.npz")) return { label: "fmnist-cnn + test.npz", files: { "model.onnx": project("fmnist-cnn.onnx"), "test.npz": F.testNpz! } };
  if (cmd === "eval") return { label: "mnist-12 + 1,000 MNIST test digits", files: { "model.onnx": project("mnist-12.onnx"), "t10k-images-idx3-ubyte.gz": F.mnistIdx!, "t10k-labels-idx1-ubyte.gz": F.mnistIdx!.replace("images-idx3", "labels-idx1") } };
  if (has("images/")) return { label: "resnet18 (zoo) + photos", files: { "model.onnx": F.resnet18!, "images/": F.images! } };
  return null;
}

// ---- checks ---------------------------------------------------------------------------------

/** Names in a line that must exist before it runs: files and folders it reads. */
function reads(args: readonly string[]): string[] {
  const outputs = new Set(args.flatMap((a, i) => (a === "-o" || a === "--checkpoint-dir" ? [args[i + 1]!] : [])));
  return args.filter((a, i) => i > 1 && !a.startsWith("-") && /(\.(onnx|npz|npy|gz|jsonl|txt|csv|tsv)|\/)$/.test(a) && !outputs.has(a));
}

async function runLine(args: readonly string[], setup: Setup, cwd: string): Promise<void> {
  mkdirSync(cwd, { recursive: true });
  for (const [name, path] of Object.entries(setup.files)) {
    const at = join(cwd, name.replace(/\/$/, ""));
    if (!existsSync(at)) symlinkSync(path, at);
  }
  const where = `\`${key(args)}\` on ${setup.label}`;
  // Several README lines write the same name (model.int8.onnx): each runs as if its output did not exist yet.
  const out0 = args.includes("-o") ? join(cwd, args[args.indexOf("-o") + 1]!) : undefined;
  if (out0 && existsSync(out0) && !lstatSync(out0).isSymbolicLink()) rmSync(out0);
  for (const r of reads(args)) assert.ok(existsSync(join(cwd, r)), `${where}: the test has no file for '${r}'; add one to readme-commands.test.ts`);
  const t0 = performance.now();
  const r = await run(args, cwd);
  if (process.env.QUANTA_TEST_TIMES) process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(1)} s  ${where}\n`);
  assert.equal(r.code, 0, `${where} exited ${r.code}:\n${r.stderr}`);
  const cmd = args[1]!;
  const json = args.includes("--json");
  const out = args[args.indexOf("-o") + 1];
  if (json) assert.doesNotThrow(() => JSON.parse(r.stdout), `${where}: --json prints one JSON object`);
  if (args.includes("-o")) {
    const m = loadModel(join(cwd, out!));
    assert.ok(m.graph.nodes.length > 0, `${where}: wrote a model`);
    if (!json && cmd !== "zoo" && cmd !== "train") assert.match(r.stdout, new RegExp(`^wrote ${out!.replace(/\./g, "\\.")}: `, "m"), where);
    if (cmd === "fp16") {
      const want = args.includes("--keep-io-types") ? DataType.FLOAT : DataType.FLOAT16;
      const src = loadModel(join(cwd, "model.onnx"));
      for (const v of src.graph.inputs.filter((x) => x.dtype === DataType.FLOAT)) assert.equal(m.graph.inputs.find((x) => x.name === v.name)?.dtype, want, `${where}: input ${v.name}`);
      for (const v of m.graph.outputs) assert.equal(v.dtype, want, `${where}: output ${v.name}`);
    }
    if (cmd === "dynamic" || cmd === "static" || cmd === "qat") assert.match(r.stdout, /verified on \d+ sample/, where);
  }
  if (cmd === "compare") assert.match(r.stdout, /SQNR/, where);
  if (cmd === "inspect" && !json) assert.match(r.stdout, /IR version \d+/, where);
  if (cmd === "bench") assert.match(r.stdout, json ? /"medianMs"/ : /latency\s+median/, where);
  if (cmd === "eval") assert.match(r.stdout, json ? /"accuracy"/ : /top-1 accuracy \d+\.\d+%/, where);
  if (cmd === "train" && args.includes("--checkpoint-dir")) assert.ok(existsSync(join(cwd, args[args.indexOf("--checkpoint-dir") + 1]!)), `${where}: checkpoints`);
}

// ---- tests ----------------------------------------------------------------------------------

test("every --help example is a README command line", async () => {
  const readme = new Set(readmeCommands().map(key));
  const help = await run(["quanta", "--help"], ROOT);
  const commands = [...help.stdout.matchAll(/^  (\w+) /gm)].map((m) => m[1]!).filter((c) => c !== "help");
  assert.ok(commands.length >= 10, help.stdout);
  let examples = 0;
  const helps = await Promise.all(commands.map((c) => run(["quanta", c, "--help"], ROOT)));
  for (const [i, c] of commands.entries()) {
    const r = helps[i]!;
    assert.equal(r.code, 0);
    const lines = [...r.stdout.matchAll(/^\s+\$ (quanta .+)$/gm)].map((m) => words(m[1]!));
    assert.ok(lines.length > 0, `quanta ${c} --help shows an example`);
    for (const l of lines) assert.ok(readme.has(key(l)), `\`${key(l)}\` (quanta ${c} --help) is not a README line`);
    examples += lines.length;
  }
  assert.ok(examples >= 12);
});

test("every README command line runs as written", { timeout: 900_000 }, async (t) => {
  const lines = readmeCommands();
  assert.ok(lines.length >= 14, `${lines.length} README command lines`);
  const generic: string[][] = [];
  for (const args of lines) {
    const s = special(args);
    if (s === null) generic.push(args);
    else if (typeof s === "string") t.diagnostic(`skipped \`${key(args)}\`: ${s}`);
    else await runLine(args, s, join(work, `${args[1]}-${basename(s.label).replace(/\W+/g, "_")}-${lines.indexOf(args)}`));
  }
  // The model lines, in README order, once per model, each model in its own folder (compare reads
  // what static wrote). Lines that need calibration data skip models that have none.
  assert.ok(generic.some((a) => a[1] === "fp16") && generic.some((a) => a[1] === "compare"));
  for (const setup of modelMatrix()) {
    const cwd = join(work, setup.label.replace(/\W+/g, "_"));
    for (const args of generic) {
      if (!setup.data && reads(args).some((r) => r === "calib.npz" || r === "model.qdq.onnx")) continue;
      if (setup.only && !setup.only.includes(args[1]!)) continue;
      await runLine(args, setup, cwd);
    }
  }
  if (!HAVE_SHARED) t.diagnostic(`shared models skipped: ${SKIP_SHARED}`);
});
