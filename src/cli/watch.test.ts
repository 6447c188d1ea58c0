import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { tempDir } from "../../test/helpers.js";
import { watch } from "./watch.js";

/** Runs `body` as the watched child; returns the exit code and what reached stderr. */
async function watched(body: string, args: string[] = ["bench", "model.onnx"]): Promise<{ code: number; lines: string[] }> {
  const script = join(tempDir(), "child.mjs");
  writeFileSync(script, body);
  let text = "";
  const stderr = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) });
  const code = await watch({ script, args, stderr });
  return { code, lines: text.split("\n").filter((l) => l !== "") };
}

test("a segfault becomes one quanta error line naming the signal and the command", async () => {
  const r = await watched(`process.kill(process.pid, "SIGSEGV");`);
  assert.equal(r.code, 1);
  assert.equal(r.lines.length, 1, r.lines.join("\n"));
  assert.match(r.lines[0]!, /^quanta: error: ONNX Runtime \(or another native part\) crashed the process \(SIGSEGV\) while running bench on model\.onnx; /);
});

test("an abort's own text (terminate called… what(): …) is folded into the one line", async () => {
  const r = await watched(`
    process.stderr.write("quanta: WARNING: something first\\n");
    process.stderr.write("terminate called after throwing an instance of 'Ort::Exception'\\n  what():  Invalid rank for input: x Got: 3 Expected: 2\\n");
    process.abort();`);
  assert.equal(r.code, 1);
  assert.deepEqual(r.lines.slice(0, 1), ["quanta: WARNING: something first"]);
  assert.equal(r.lines.length, 2, r.lines.join("\n"));
  assert.match(r.lines[1]!, /^quanta: error: .*\(SIGABRT\) while running bench on model\.onnx: Invalid rank for input: x Got: 3 Expected: 2; /);
  assert.ok(r.lines[1]!.length <= 300, `${r.lines[1]!.length} characters`);
});

test("node running out of heap is told as such, without V8's report", async () => {
  const r = await watched(`
    process.stderr.write("\\n<--- Last few GCs --->\\n\\n[123:0x5a0]      800 ms: Mark-Compact 50.1 (60.2) -> 49.9 (60.2) MB\\n\\n");
    process.stderr.write("FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\\n 1: 0xb8a9f0 node::Abort() [node]\\n");
    process.abort();`);
  assert.equal(r.lines.length, 1, r.lines.join("\n"));
  assert.match(r.lines[0]!, /^quanta: error: node ran out of memory \(SIGABRT\) while running bench on model\.onnx: Reached heap limit .*; the model or data is too large/);
});

test("ordinary runs pass through unchanged: output, exit code, lines that only look native", async () => {
  const r = await watched(`
    process.stderr.write("quanta: error: model.onnx: no such file\\n");
    process.stderr.write("2026-01-01 10:00:00.5 is a date, not a log line of ORT\\n");
    process.exitCode = 2;`);
  assert.equal(r.code, 2);
  assert.deepEqual(r.lines, ["quanta: error: model.onnx: no such file", "2026-01-01 10:00:00.5 is a date, not a log line of ORT"]);
});

test("the child's temp folder is removed even when it crashes", async () => {
  const r = await watched(`
    import { writeFileSync } from "node:fs"; import { tmpdir } from "node:os"; import { join } from "node:path";
    writeFileSync(join(tmpdir(), "leftover.onnx"), "x");
    process.stderr.write("tmp " + tmpdir() + "\\n");
    process.kill(process.pid, "SIGSEGV");`);
  const dir = r.lines[0]!.replace(/^tmp /, "");
  assert.match(dir, /quanta-/);
  assert.ok(!existsSync(dir), `${dir} is gone`);
  assert.match(r.lines[1]!, /SIGSEGV/);
});
