// Running a sibling script in a child process, from sources (tsx) or from the compiled build,
// whichever the calling test runs from.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../../data/fixture-paths.js";

const FROM_SOURCES = import.meta.url.endsWith(".ts");

/** node arguments running `testing/<name>` (.ts via tsx, or the compiled .js). */
export function scriptArgs(name: string): string[] {
  const file = fileURLToPath(new URL(`./${name}.${FROM_SOURCES ? "ts" : "js"}`, import.meta.url));
  return FROM_SOURCES ? ["--import", "tsx", file] : [file];
}

/** The `quanta` binary when running from the build; the sources' CLI otherwise. */
export function quantaArgs(): string[] {
  const bin = join(projectRoot, "bin", "quanta.js");
  return FROM_SOURCES || !existsSync(bin) ? scriptArgs("quanta-cli") : [bin];
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs node with `args` from the project root, without blocking the event loop. */
export function runNodeAsync(args: string[], timeoutMs = 120_000): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: projectRoot, timeout: timeoutMs });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
