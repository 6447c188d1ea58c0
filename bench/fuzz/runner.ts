// Running one quanta command on a mutant and collecting what it did: exit code or signal, output,
// files left in its output folder, its private TMPDIR and the model's folder, peak memory.
//
// Two ways to run: "spawn" starts `node bin/quanta.js …` for every command (what a user runs; the
// default for campaigns), "worker" keeps one Node process per job that runs the CLI's main() for
// command after command (the same code, minus process start-up: the `npm test` slice). A worker
// that dies or hangs is a CRASH or HANG of that command and is replaced.

import { spawn, fork, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadModel } from "../../src/ir/serde/load.js";
import { CLI } from "./seeds.js";
import type { RunOutcome } from "./classify.js";

export interface RunRequest {
  args: string[];
  /** The mutant's folder (the working directory; watched for files appearing or vanishing). */
  cwd: string;
  /** An empty folder for -o, checked afterwards. */
  outDir: string;
  /** The expected output file for model-writing commands. */
  output?: string;
  timeoutMs: number;
  maxRssMb: number;
}

export interface Runner {
  run(req: RunRequest): Promise<RunOutcome & { ms: number; peakRssMb: number }>;
  close(): Promise<void>;
}

const CAP = 64 * 1024; // bytes of stdout/stderr kept per run

function listing(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Resident memory of `pid` and all its descendants (the CLI runs under a watcher process), in MB. */
function rssMb(pid: number): number {
  let kb = 0;
  const seen = new Set<number>();
  const visit = (p: number) => {
    if (seen.has(p)) return;
    seen.add(p);
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      if (m) kb += Number(m[1]);
      for (const t of readdirSync(`/proc/${p}/task`)) {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, "utf8").split(" ").filter(Boolean)) visit(Number(c));
      }
    } catch {
      /* gone */
    }
  };
  visit(pid);
  return kb / 1024;
}

/** After the run: what the output folder holds, whether the output loads, what was left behind. */
function inspectAfter(req: RunRequest, tmp: string, before: string[], code: number | null) {
  const outFiles = listing(req.outDir);
  const tmpFiles = listing(tmp);
  const after = listing(req.cwd);
  const inputChanges = [...after.filter((f) => !before.includes(f)).map((f) => `+${f}`), ...before.filter((f) => !after.includes(f)).map((f) => `-${f}`)];
  let outputProblem: string | undefined;
  if (req.output && code === 0) {
    const name = req.output.slice(req.outDir.length + 1);
    const extra = outFiles.filter((f) => f !== name && f !== `${name}.data`);
    if (!existsSync(req.output)) outputProblem = "exit 0 but no output file";
    else if (extra.length) outputProblem = `extra files beside the output: ${extra.join(", ")}`;
    else {
      try {
        loadModel(req.output);
      } catch (e) {
        outputProblem = `output does not load: ${(e as Error).message.slice(0, 200)}`;
      }
    }
  }
  return { outFiles, tmpFiles, inputChanges, outputProblem };
}

function prepareDirs(req: RunRequest): string {
  rmSync(req.outDir, { recursive: true, force: true });
  mkdirSync(req.outDir, { recursive: true });
  const tmp = `${req.outDir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  return tmp;
}

function childEnv(tmp: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, TEMP: tmp, TMP: tmp };
  delete env.QUANTA_DEBUG;
  delete env.NODE_OPTIONS;
  return env;
}

/** `node bin/quanta.js …` per command. */
export function spawnRunner(): Runner {
  return {
    async run(req) {
      const tmp = prepareDirs(req);
      const before = listing(req.cwd);
      const t0 = performance.now();
      const child = spawn(process.execPath, [CLI, ...req.args], { cwd: req.cwd, env: childEnv(tmp), detached: true, stdio: ["ignore", "pipe", "pipe"] });
      const r = await watch(child, req);
      return { ...r, ...inspectAfter(req, tmp, before, r.code), writes: !!req.output, ms: performance.now() - t0 };
    },
    async close() {},
  };
}

/** What watching a child process tells; the file checks after it complete a RunOutcome. */
type Watched = Pick<RunOutcome, "code" | "signal" | "timedOut" | "overMemory" | "stdout" | "stderr"> & { peakRssMb: number };

function watch(child: ChildProcess, req: RunRequest): Promise<Watched> {
  return new Promise((done) => {
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let overMemory = false;
    let peak = 0;
    child.stdout!.on("data", (d: Buffer) => void (stdout.length < CAP && (stdout += d.toString("utf8"))));
    child.stderr!.on("data", (d: Buffer) => void (stderr.length < CAP && (stderr += d.toString("utf8"))));
    const kill = () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    const timer = setTimeout(() => ((timedOut = true), kill()), req.timeoutMs);
    const poll = setInterval(() => {
      const mb = rssMb(child.pid!);
      peak = Math.max(peak, mb);
      if (mb > req.maxRssMb) (overMemory = true), kill();
    }, 100);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      done({ code, signal: timedOut || overMemory ? null : signal, timedOut, overMemory, stdout, stderr, peakRssMb: peak });
    });
  });
}

// --- worker mode -------------------------------------------------------------------------------

const WORKER = join(fileURLToPath(new URL(".", import.meta.url)), "worker.js");

/** One long-lived Node process that runs the CLI's main() per command. */
export function workerRunner(): Runner {
  let child: ChildProcess | null = null;
  let stderrTail = "";
  const start = () => {
    const c = fork(WORKER, [], { stdio: ["ignore", "pipe", "pipe", "ipc"], env: childEnv("/tmp"), detached: true });
    c.stdout!.on("data", () => {});
    c.stderr!.on("data", (d: Buffer) => void (stderrTail = (stderrTail + d.toString("utf8")).slice(-CAP)));
    return c;
  };
  return {
    async run(req) {
      const tmp = prepareDirs(req);
      const before = listing(req.cwd);
      child ??= start();
      const c = child;
      stderrTail = "";
      const t0 = performance.now();
      const r = await new Promise<Watched>((done) => {
        let timedOut = false;
        let overMemory = false;
        let peak = 0;
        const finish = (w: Omit<Watched, "timedOut" | "overMemory" | "peakRssMb">) => {
          clearTimeout(timer);
          clearInterval(poll);
          c.removeAllListeners("message");
          c.removeAllListeners("exit");
          done({ ...w, timedOut, overMemory, peakRssMb: peak });
        };
        const kill = () => {
          try {
            process.kill(-c.pid!, "SIGKILL");
          } catch {
            c.kill("SIGKILL");
          }
        };
        const timer = setTimeout(() => ((timedOut = true), kill()), req.timeoutMs);
        const poll = setInterval(() => {
          const mb = rssMb(c.pid!);
          peak = Math.max(peak, mb);
          if (mb > req.maxRssMb) (overMemory = true), kill();
        }, 100);
        c.on("message", (m: { code: number; stdout: string; stderr: string }) => finish({ code: m.code, signal: null, stdout: m.stdout, stderr: m.stderr + stderrTail }));
        c.on("exit", (code, signal) => {
          child = null;
          finish({ code: timedOut || overMemory ? null : code, signal: timedOut || overMemory ? null : signal, stdout: "", stderr: stderrTail });
        });
        c.send({ args: req.args, cwd: req.cwd, tmp });
      });
      // A worker whose memory grew past half the cap is replaced before the next command.
      if (child && r.peakRssMb > req.maxRssMb / 2) {
        child.kill("SIGKILL");
        child = null;
      }
      return { ...r, ...inspectAfter(req, tmp, before, r.code), writes: !!req.output, ms: performance.now() - t0 };
    },
    async close() {
      if (child) {
        child.disconnect();
        child.kill();
        child = null;
      }
    },
  };
}
