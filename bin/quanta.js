#!/usr/bin/env node
// The CLI lives in the compiled library. It runs in a child process watched by this one
// (src/cli/watch.ts), so that even a crash inside ONNX Runtime ends in one `quanta: error:` line;
// with QUANTA_WATCHED=1 it runs in this process instead.
import { fileURLToPath } from "node:url";

if (process.env.QUANTA_WATCHED === "1") {
  await import("../dist/src/cli/main.js");
} else {
  const { watch } = await import("../dist/src/cli/watch.js");
  process.exitCode = await watch({ script: fileURLToPath(new URL("../dist/src/cli/main.js", import.meta.url)), args: process.argv.slice(2) });
}
