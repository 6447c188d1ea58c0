// The `quanta` command line: argument parsing only; every command calls the library.

import { Command, CommanderError } from "commander";
import { QuantaError, MAX_ERROR_LENGTH, clipText } from "../errors.js";
import { registerInspect } from "./commands/inspect.js";
import { registerBench } from "./commands/bench.js";
import { registerEval } from "./commands/eval.js";
import { registerZoo } from "./commands/zoo.js";
import { registerDynamic } from "./commands/dynamic.js";
import { registerFuse } from "./commands/fuse.js";
import { registerFp16 } from "./commands/fp16.js";
import { registerCompare } from "./commands/compare.js";
import { registerStatic } from "./commands/static.js";
import { registerTrain } from "./commands/train.js";
import { registerQat } from "./commands/qat.js";
import { registerDoctor } from "./commands/doctor.js";
import { packageVersion } from "./version.js";
import { examplesHelp } from "./examples.js";

export function buildProgram(): Command {
  const program = new Command("quanta")
    .description("Quantize, convert and train ONNX models in TypeScript (dynamic, static, fp16, fusion, training) and measure them in ONNX Runtime.")
    .version(packageVersion(), "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerInspect(program);
  registerBench(program);
  registerEval(program);
  registerZoo(program);
  registerDynamic(program);
  registerStatic(program);
  registerTrain(program);
  registerQat(program);
  registerFuse(program);
  registerFp16(program);
  registerCompare(program);
  registerDoctor(program);
  for (const c of program.commands) {
    c.exitOverride().showHelpAfterError("(run with --help for usage)");
    const examples = examplesHelp(c.name());
    if (examples) c.addHelpText("after", examples);
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    return reportError(e);
  }
}

/** Prints one line for the user and returns the exit code. */
export function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    // Commander already printed its message (or the help / version text).
    return e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help" ? 0 : 2;
  }
  if (e instanceof QuantaError) {
    process.stderr.write(`quanta: error: ${e.message}\n`);
    return e.exitCode;
  }
  const err = e as Error;
  if (process.env.QUANTA_DEBUG) process.stderr.write(`${err?.stack ?? String(e)}\n`);
  const msg = clipText((err?.message ?? String(e)).split("\n")[0]!, MAX_ERROR_LENGTH);
  process.stderr.write(`quanta: error: ${msg}${process.env.QUANTA_DEBUG ? "" : " (set QUANTA_DEBUG=1 for details)"}\n`);
  return 1;
}

const invokedDirectly = process.argv[1] && /(?:bin[\\/]quanta(?:\.js)?|cli[\\/]main\.js)$/.test(process.argv[1]);
if (invokedDirectly) {
  if (process.channel) {
    // Run by the watcher (watch.ts): its channel must not keep this process alive, and if the
    // watcher itself is killed, this process ends too instead of working on unseen.
    process.channel.unref();
    process.on("disconnect", () => process.exit(process.exitCode ?? 1));
  }
  // A reader that stops early (`quanta static --help | head`) closes the pipe; that is the
  // reader's choice, not an error of ours: stop quietly instead of printing node's EPIPE trace.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
