import type { Command } from "commander";
import { loadModel } from "../../ir/serde/load.js";
import { measureLatency } from "../../evaluate/latency.js";
import { collectDim, nonNegativeInt, oneOf, positiveInt } from "../options.js";
import { progressBar } from "../progress.js";
import { formatBytes } from "../format.js";
import type { OptimizationLevel } from "../../runtime/runtime.js";

interface BenchFlags {
  runs: number;
  warmup: number;
  threads?: number;
  dim?: Record<string, number>;
  opt: OptimizationLevel;
  json?: boolean;
}

export function registerBench(program: Command): void {
  program
    .command("bench")
    .description("Measure inference latency in ONNX Runtime on random inputs of the model's types and shapes.")
    .argument("<model>", "ONNX model file")
    .option("--runs <n>", "timed runs", positiveInt("--runs"), 50)
    .option("--warmup <n>", "untimed runs first", nonNegativeInt("--warmup"), 5)
    .option("--threads <n>", "intra-op threads (default: ONNX Runtime's choice)", positiveInt("--threads"))
    .option("--dim <name=value>", "value of a symbolic dimension, repeatable (e.g. --dim batch=1 --dim sequence=128); unset ones are 1", collectDim)
    .option("--opt <level>", "graph optimization level: disabled, basic, extended, all", oneOf("--opt", ["disabled", "basic", "extended", "all"] as const), "all")
    .option("--json", "print one JSON object instead of text")
    .action(async (path: string, f: BenchFlags) => {
      const model = loadModel(path);
      const bar = progressBar("bench", f.runs, { quiet: f.json });
      const r = await measureLatency(model, { runs: f.runs, warmup: f.warmup, threads: f.threads, dims: f.dim, optimizationLevel: f.opt, onRun: (d) => bar.update(d) });
      bar.stop();
      if (f.json) return void process.stdout.write(JSON.stringify({ model: path, ...r }, null, 2) + "\n");
      const ins = r.inputs.map((i) => `${i.name}[${i.dims.join("x")}]`).join(", ");
      process.stdout.write(
        [
          `${path}: ${ins}, threads ${r.threads}, ${r.runs} runs after ${r.warmup} warm-up`,
          `latency  median ${r.medianMs.toFixed(3)} ms   p90 ${r.p90Ms.toFixed(3)} ms   min ${r.minMs.toFixed(3)} ms`,
          `throughput ${r.throughput.toFixed(1)} samples/s   session ${r.sessionMs.toFixed(0)} ms   peak RSS ${formatBytes(r.peakRssBytes)}`,
          ...(r.defaultedDims.length ? [`note: symbolic dims ${r.defaultedDims.join(", ")} set to 1 (use --dim name=value)`] : []),
        ].join("\n") + "\n",
      );
    });
}
