// End-to-end tests through the `quanta` binary, as a user runs it.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, SHARED, SKIP_SHARED, sharedModel, tempDir } from "./helpers.js";

const BIN = join(ROOT, "bin", "quanta.js");

function quanta(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: ROOT, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function assertOneLineError(r: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
  assert.notEqual(r.code, 0, "non-zero exit");
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^quanta: error: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  assert.equal(r.stdout, "");
}

test("--help for the program and every command", () => {
  for (const args of [["--help"], ["inspect", "--help"], ["bench", "--help"], ["eval", "--help"], ["zoo", "--help"]]) {
    const r = quanta(...args);
    assert.equal(r.code, 0, args.join(" "));
    assert.match(r.stdout, /Usage: quanta/);
  }
});

test("usage errors exit with 2", () => {
  assert.equal(quanta("inspect").code, 2);
  assert.equal(quanta("bench", "x.onnx", "--runs", "zero").code, 2);
  assert.equal(quanta("nosuchcommand").code, 2);
});

test("inspect --json of a real model", { skip: SKIP_SHARED }, () => {
  const r = quanta("inspect", sharedModel("mnist-12.onnx"), "--json");
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.opsets, { "ai.onnx": 12 });
  assert.deepEqual(j.inputs, [{ name: "Input3", dtype: "float", shape: [1, 1, 28, 28] }]);
  assert.deepEqual(j.outputs, [{ name: "Plus214_Output_0", dtype: "float", shape: [1, 10] }]);
  assert.equal(j.nodeCount, 12);
  assert.equal(j.opTypes.Conv, 2);
  // conv 8x1x5x5 + 8 bias, conv 16x8x5x5 + 16 bias, fc 256x10 + 10: 5,998 floats; the int64 Reshape target is not counted
  assert.equal(j.parameters, 200 + 8 + 3200 + 16 + 2560 + 10);
  assert.equal(j.fileBytes, 26143);
  assert.equal(j.bytesByDtype.float, 4 * j.parameters);
});

test("bad model files: one-line error, non-zero exit, no output file", () => {
  const dir = tempDir();
  const zoo = quanta("zoo", "resnet-tiny", "-o", join(dir, "good.onnx"));
  assert.equal(zoo.code, 0, zoo.stderr);
  const good = readFileSync(join(dir, "good.onnx"));
  writeFileSync(join(dir, "truncated.onnx"), good.subarray(0, good.length - 1000));
  writeFileSync(join(dir, "random.onnx"), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 97 + 13) % 256)));
  writeFileSync(join(dir, "empty.onnx"), "");
  writeFileSync(join(dir, "notes.onnx"), "# my model notes\nlayers: 3\n");
  mkdirSync(join(dir, "folder.onnx"));
  const ext = quanta("zoo", "resnet-tiny", "-o", join(dir, "ext.onnx"), "--external-data");
  assert.equal(ext.code, 0, ext.stderr);
  writeFileSync(join(dir, "ext.onnx.data"), ""); // external data emptied
  const before = readdirSync(dir).sort();
  const cases: [string, RegExp][] = [
    ["truncated.onnx", /not a valid ONNX/],
    ["random.onnx", /not (a valid ONNX|an ONNX)/],
    ["empty.onnx", /empty/],
    ["notes.onnx", /not (a valid ONNX|an ONNX)/],
    ["folder.onnx", /directory/],
    ["ext.onnx", /truncated|missing/],
    ["missing.onnx", /no such file/],
  ];
  for (const [file, pattern] of cases) {
    for (const cmd of ["inspect", "bench", "eval"]) {
      const extra = cmd === "eval" ? ["--data", join(dir, "good.onnx")] : [];
      assertOneLineError(quanta(cmd, join(dir, file), ...extra), pattern);
    }
  }
  assert.deepEqual(readdirSync(dir).sort(), before, "no files were written");
});

test("zoo writes a model, refuses to overwrite without --force, rejects unknown names", () => {
  const dir = tempDir();
  const out = join(dir, "bert-tiny.onnx");
  const r = quanta("zoo", "bert-tiny", "-o", out, "--json");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).parameters, 143_682);
  const again = quanta("zoo", "bert-tiny", "-o", out);
  assertOneLineError(again, /already exists; pass --force/);
  assert.equal(quanta("zoo", "bert-tiny", "-o", out, "--force").code, 0);
  const bad = quanta("zoo", "resnet9000", "-o", join(dir, "x.onnx"));
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /choose one of: resnet18/);
  assert.equal(existsSync(join(dir, "x.onnx")), false);
  const list = quanta("zoo", "--list", "--json");
  assert.deepEqual(JSON.parse(list.stdout).map((m: { name: string }) => m.name), ["resnet18", "resnet-tiny", "fmnist-resnet", "bert-base", "agnews-encoder", "bert-tiny"]);
});

test("bench --json with symbolic dims", () => {
  const dir = tempDir();
  const model = join(dir, "bert-tiny.onnx");
  assert.equal(quanta("zoo", "bert-tiny", "-o", model).code, 0);
  const r = quanta("bench", model, "--dim", "batch=2", "--dim", "sequence=16", "--runs", "5", "--warmup", "1", "--threads", "1", "--json");
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.ok(j.medianMs > 0 && j.p90Ms >= j.medianMs && j.minMs <= j.medianMs);
  assert.deepEqual(j.inputs, [{ name: "input_ids", dims: [2, 16] }, { name: "attention_mask", dims: [2, 16] }]);
  assert.equal(j.runs, 5);
  assert.ok(j.peakRssBytes > 10e6);
  assertOneLineError(quanta("bench", model, "--dim", "nosuch=3"), /no such symbolic dimension/);
});

const EVALS: [string, string, string[], number][] = [
  ["mnist-12.onnx", "mnist", [], 0.989],
  ["mnist-cnn-ruiyangju.onnx", "mnist", [], 0.9927],
  ["fmnist-cnn-edwin19.onnx", "fashion-mnist", [], 0.9015],
  ["fmnist-cnn-lazybogdi.onnx", "fashion-mnist", ["--mean", "0.5", "--std", "0.5"], 0.897],
];

for (const [model, data, flags, expected] of EVALS) {
  test(`eval ${model} reproduces its published accuracy`, { skip: SKIP_SHARED }, () => {
    const d = join(SHARED, "data", data);
    const r = quanta("eval", sharedModel(model), "--data", join(d, "t10k-images-idx3-ubyte.gz"), "--labels", join(d, "t10k-labels-idx1-ubyte.gz"), ...flags, "--json");
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.count, 10000);
    assert.equal(j.accuracy, expected);
  });
}

test("eval without labels or with a wrong output name fails clearly", { skip: SKIP_SHARED }, () => {
  const d = join(SHARED, "data", "mnist");
  const m = sharedModel("mnist-12.onnx");
  assertOneLineError(quanta("eval", m, "--data", join(d, "t10k-images-idx3-ubyte.gz"), "--labels", join(d, "nope.gz")), /nope\.gz/);
  const r = quanta("eval", m, "--data", join(d, "t10k-images-idx3-ubyte.gz"), "--output", "zzz");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no such output \(it has: Plus214_Output_0\)/);
});
