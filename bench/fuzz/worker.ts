// The fuzzer's worker mode: runs the quanta CLI's main() for one command after another in this
// process, capturing what it writes, and reports the exit code to the harness (see runner.ts).

import { main } from "../../src/cli/main.js";

interface Task {
  args: string[];
  cwd: string;
  tmp: string;
}

const out = process.stdout.write.bind(process.stdout);
const err = process.stderr.write.bind(process.stderr);
let captured: { stdout: string; stderr: string } | null = null;

const capture = (key: "stdout" | "stderr", fallback: typeof out) =>
  ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (!captured) return fallback(chunk as string, ...(rest as []));
    if (captured[key].length < 64 * 1024) captured[key] += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof out;
process.stdout.write = capture("stdout", out);
process.stderr.write = capture("stderr", err);

process.on("message", async (t: Task) => {
  process.chdir(t.cwd);
  process.env.TMPDIR = t.tmp;
  captured = { stdout: "", stderr: "" };
  process.exitCode = undefined;
  let code: number;
  try {
    code = await main(t.args);
  } catch (e) {
    captured.stderr += `worker: main threw ${(e as Error)?.stack ?? String(e)}\n`;
    code = 70;
  }
  const result = { code, ...captured };
  captured = null;
  process.send!(result);
});
