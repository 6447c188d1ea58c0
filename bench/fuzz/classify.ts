// What one CLI run on a mutant amounts to. A run either succeeds properly (OK) or fails properly
// (ERROR: one `quanta: error: …` line of quanta's own, nothing left behind); everything else is
// a finding.

export const CLASSES = ["OK", "ERROR", "CRASH", "HANG", "MEMORY", "STACK", "RAW", "PARTIAL", "LONG", "NOISE", "BADOUT"] as const;
export type RunClass = (typeof CLASSES)[number];

export const FAILURE_CLASSES: readonly RunClass[] = CLASSES.filter((c) => c !== "OK" && c !== "ERROR");

/** Longest error message (after "quanta: error: ") that still reads as one line. */
export const MAX_MESSAGE = 300;

export interface RunOutcome {
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Killed by the harness for going over the memory cap. */
  overMemory: boolean;
  stdout: string;
  stderr: string;
  /** Files in the output folder after the run. */
  outFiles: string[];
  /** Files left in the run's private TMPDIR. */
  tmpFiles: string[];
  /** Files that appeared in or vanished from the mutant's folder. */
  inputChanges: string[];
  /** For a successful model-writing command: why its output is not a loadable model, if it is not. */
  outputProblem?: string;
  /** Whether the command writes a model (-o). */
  writes: boolean;
}

// Messages of JavaScript's own errors, which mean quanta did not check something itself.
const RAW_PATTERNS: RegExp[] = [
  /Cannot read propert(y|ies) of (undefined|null)/,
  /Cannot set propert(y|ies) of (undefined|null)/,
  /Invalid typed array length/,
  /Invalid array length/,
  /is out of range/,
  /offset is out of bounds/,
  /out of bounds access/,
  /Maximum call stack/,
  /is not a function/,
  /is not iterable/,
  /is not defined/,
  /is not a constructor/,
  /Cannot convert .* to a BigInt/,
  /Cannot mix BigInt/,
  /Do not know how to serialize/,
  /Array buffer allocation failed/,
  /Reduce of empty array/,
  /\b(TypeError|RangeError|ReferenceError|SyntaxError|AssertionError)\b/,
  /\bE(NOENT|ACCES|ISDIR|NOTDIR|EXIST|LOOP|NAMETOOLONG|INVAL)\b/,
  /\[object Object\]/,
  /\bundefined\b/,
  /set QUANTA_DEBUG=1 for details/,
];

export function classify(r: RunOutcome): { cls: RunClass; reason: string } {
  if (r.timedOut) return { cls: "HANG", reason: "timed out" };
  if (r.overMemory) return { cls: "MEMORY", reason: "over the memory cap" };
  if (r.signal) return { cls: "CRASH", reason: `killed by ${r.signal}` };
  if (r.code !== 0 && r.code !== 1 && r.code !== 2) return { cls: "CRASH", reason: `exit code ${r.code}` };
  const all = `${r.stdout}\n${r.stderr}`;
  const stack = all.split("\n").find((l) => /^\s+at \S/.test(l) || /^\s*at (async )?[\w.<>$]+ \(.*:\d+:\d+\)/.test(l) || /^\S+\.(js|ts):\d+$/.test(l));
  if (stack) return { cls: "STACK", reason: stack.trim().slice(0, 200) };
  const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
  const errors = lines.filter((l) => l.startsWith("quanta: error: "));
  for (const e of errors) {
    const raw = RAW_PATTERNS.find((p) => p.test(e));
    if (raw) return { cls: "RAW", reason: `${raw.source}` };
  }
  const left = [...(r.code !== 0 ? r.outFiles.map((f) => `output folder: ${f}`) : []), ...r.tmpFiles.map((f) => `TMPDIR: ${f}`), ...r.inputChanges.map((f) => `model folder: ${f}`)];
  if (left.length) return { cls: "PARTIAL", reason: `left behind: ${left.slice(0, 3).join(", ")}` };
  if (r.code === 0) {
    if (errors.length) return { cls: "NOISE", reason: "an error line on success" };
    if (r.writes && r.outputProblem) return { cls: "BADOUT", reason: r.outputProblem };
    if (!r.writes && r.stdout.trim() === "") return { cls: "BADOUT", reason: "no output on stdout" };
    return { cls: "OK", reason: "" };
  }
  if (errors.length !== 1) return { cls: "NOISE", reason: `${errors.length} error lines` };
  const message = errors[0]!.slice("quanta: error: ".length);
  if (message.length > MAX_MESSAGE) return { cls: "LONG", reason: `${message.length} characters` };
  const others = lines.filter((l) => l !== errors[0]);
  if (others.length) return { cls: "NOISE", reason: `also wrote: ${others[0]!.slice(0, 160)}` };
  if (r.stdout.trim() !== "") return { cls: "NOISE", reason: `stdout: ${r.stdout.trim().slice(0, 160)}` };
  return { cls: "ERROR", reason: "" };
}

/** The error line with numbers, quoted names and paths blanked, so equal failures group together. */
export function signature(stderr: string): string {
  const line = stderr.split("\n").find((l) => l.startsWith("quanta: error: ")) ?? stderr.split("\n").find((l) => l.trim()) ?? "";
  return line
    .replace(/^quanta: error: /, "")
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/'(?:[^'\\]|\\.)*'/g, "'…'")
    .replace(/\/[^\s:;,()]+/g, "PATH")
    .replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi, "N")
    .slice(0, 160);
}
