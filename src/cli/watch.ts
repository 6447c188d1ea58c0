// The `quanta` binary runs the CLI in a child process and watches it. ONNX Runtime can kill the
// process on some hostile models (a segfault fetching an empty optional output, an abort from a
// C++ exception); node itself aborts when its heap runs out. No JavaScript handler sees those, so
// the watcher does: it answers with one `quanta: error:` line saying what happened, keeps the
// crash's own text (libstdc++'s "terminate called…", V8's "FATAL ERROR…" and native stack) off
// the terminal, and removes the child's private temp folder whatever happened.
//
// Cost: one extra Node start without the library (about 40 ms of CPU, ~40 MB RSS); everything
// else passes straight through (stdin and stdout are the child's own, stderr is forwarded as it
// comes, and progress bars still draw when stderr is a terminal).
//
// This file imports only Node built-ins, so the watcher starts fast.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

/** Set in the child's environment; the CLI then runs in process (also how to skip the watcher). */
export const WATCHED_ENV = "QUANTA_WATCHED";

// Signals that mean the process crashed (as opposed to being interrupted or killed).
const CRASH_SIGNALS = new Set(["SIGSEGV", "SIGABRT", "SIGBUS", "SIGILL", "SIGFPE", "SIGTRAP", "SIGSYS"]);
// Exit codes a shell or runtime reports for those (128 + signal), and V8's fatal-error exit.
const CRASH_CODES = new Set([132, 133, 134, 135, 136, 139, 159]);

// Lines a crashing process prints that are not quanta's: libstdc++'s terminate message, ORT's
// own log lines, V8's out-of-memory report and native stack frames.
const NATIVE_LINE = [
  /^terminate called/,
  /^\s+what\(\):/,
  /^(\x1b\[[\d;]*m)?\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[[VIWEF]:onnxruntime/,
  /^<--- (Last few GCs|JS stacktrace) --->/,
  /^\s*\[\d+:0x[0-9a-f]+\]\s+\d+ ms: /,
  /^FATAL ERROR: /,
  /^\s*\d+: 0x[0-9a-f]+ /,
  /^----- (Native|JavaScript) stack trace -----/,
  /^\s*\d+: .*:\d+:\d+\)?$/,
  /^#\s*(Fatal error|Check failed)/,
  /^Aborted|^Segmentation fault/,
];

/** Whether `line` (or the start of one still being written) may be a crash's own text. */
function maybeNative(line: string, complete: boolean): boolean {
  if (NATIVE_LINE.some((p) => p.test(line))) return true;
  // A partial line is held back only while it could still turn into one of those.
  return !complete && line.length < 40 && /^(\s*|terminate|\s+what|<---|FATAL|\x1b\[[\d;]*m?|\d[\d\-: .]*|#|-+)$/.test(line);
}

export interface WatchOptions {
  /** The script the child runs (the CLI's main.js). */
  script: string;
  args: readonly string[];
  /** Where the crash line goes (default process.stderr). */
  stderr?: NodeJS.WritableStream;
}

/** Runs the CLI in a watched child; resolves with the exit code the watcher should exit with. */
export function watch(o: WatchOptions): Promise<number> {
  const err = o.stderr ?? process.stderr;
  const tmp = mkdtempSync(join(tmpdir(), "quanta-"));
  const env: NodeJS.ProcessEnv = { ...process.env, [WATCHED_ENV]: "1", TMPDIR: tmp, TMP: tmp, TEMP: tmp };
  if ((err as NodeJS.WriteStream).isTTY) {
    env.QUANTA_STDERR_TTY = "1";
    env.QUANTA_STDERR_COLUMNS = String((err as NodeJS.WriteStream).columns ?? 80);
  }
  const child = spawn(process.execPath, [...process.execArgv, o.script, ...o.args], { stdio: ["inherit", "inherit", "pipe", "ipc"], env });
  // Interrupts reach the whole process group; the child decides, the watcher waits for it.
  const forward = (sig: NodeJS.Signals) => () => void (sig === "SIGINT" || child.kill(sig));
  const handlers = (["SIGINT", "SIGTERM", "SIGHUP"] as const).map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);

  const held: string[] = [];
  let partial = "";
  let inNative = false; // blank lines inside a crash report are part of it
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop()!;
    for (const line of lines) {
      inNative = maybeNative(line, true) || (inNative && line.trim() === "");
      if (inNative) held.push(line);
      else err.write(line + "\n");
    }
    if (partial && !maybeNative(partial, false)) {
      err.write(partial);
      partial = "";
    }
  });

  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      for (const [s, h] of handlers) process.removeListener(s, h);
      rmSync(tmp, { recursive: true, force: true });
      if (partial) held.push(partial);
      const crash = (signal && CRASH_SIGNALS.has(signal)) || (code !== null && CRASH_CODES.has(code));
      if (crash) {
        err.write(`quanta: error: ${crashMessage(signal ?? `exit code ${code}`, held, o.args)}\n`);
        return resolve(1);
      }
      // Not a crash: whatever was held back was ordinary output after all.
      for (const line of held) err.write(line + "\n");
      if (signal === "SIGKILL") {
        err.write(`quanta: error: the process was killed (SIGKILL), most likely by the system for using too much memory${what(o.args)}\n`);
        return resolve(1);
      }
      if (signal) {
        // Interrupted (Ctrl-C, kill): end the same way, so the shell sees it.
        process.kill(process.pid, signal);
        return resolve(128 + 2);
      }
      resolve(code ?? 1);
    });
  });
}

/** ` while running "dynamic" on model.onnx`, from the command line. */
function what(args: readonly string[]): string {
  const command = args.find((a) => !a.startsWith("-"));
  const model = args.find((a, i) => i > 0 && /\.onnx$/i.test(a));
  return command ? ` while running ${command}${model ? ` on ${clip(basename(model), 40)}` : ""}` : "";
}

/** One line for a crash: which signal, during what, and the crash's own reason when it gave one. */
export function crashMessage(how: string, held: readonly string[], args: readonly string[]): string {
  const reason =
    held.map((l) => /^\s+what\(\):\s*(.*)/.exec(l)?.[1]).find(Boolean) ??
    held.map((l) => /^FATAL ERROR: (.*)/.exec(l)?.[1]).find(Boolean) ??
    held.map((l) => /\[[EF]:onnxruntime[^\]]*\] (.*)/.exec(l)?.[1]).find(Boolean);
  const oom = held.some((l) => /heap out of memory|Allocation failed/i.test(l));
  const cause = oom
    ? "node ran out of memory"
    : "ONNX Runtime (or another native part) crashed the process";
  const detail = reason ? `: ${clip(reason.replace(/\s+/g, " ").trim(), 100)}` : "";
  const advice = oom
    ? "the model or data is too large for this machine's memory"
    : "the model holds something ONNX Runtime cannot handle; check it with onnx.checker or re-export it";
  return `${cause} (${how})${what(args)}${detail}; ${advice}`;
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
