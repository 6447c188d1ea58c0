import type { Command } from "commander";
import { loadModel } from "../../ir/serde/load.js";
import { openDataset } from "../../data/open-dataset.js";
import { evaluateAccuracy } from "../../evaluate/accuracy.js";
import { addDataOptions, dataOptions, type DataFlags } from "../data-flags.js";
import { positiveInt } from "../options.js";
import { progressBar } from "../progress.js";
import { QuantaError } from "../../errors.js";

interface EvalFlags extends DataFlags {
  data?: string;
  output?: string;
  batch: number;
  threads?: number;
  json?: boolean;
}

export function registerEval(program: Command): void {
  const cmd = program
    .command("eval")
    .description("Top-1 accuracy of a model on labeled data (idx, .npy/.npz, image folders, JSONL/TSV/CSV text).")
    .argument("<model>", "ONNX model file")
    .option("--data <path>", "dataset file or folder")
    .option("--output <name>", "model output holding the class scores (default: the first)")
    .option("--batch <n>", "samples per run when the model's batch dim is symbolic", positiveInt("--batch"), 32)
    .option("--threads <n>", "intra-op threads", positiveInt("--threads"))
    .option("--json", "print one JSON object instead of text");
  addDataOptions(cmd).action(async (path: string, f: EvalFlags) => {
    if (!f.data) throw new QuantaError("pass --data <dataset> (e.g. --data t10k-images-idx3-ubyte.gz --labels t10k-labels-idx1-ubyte.gz)", 2);
    const model = loadModel(path);
    const ds = await openDataset(f.data, dataOptions(f));
    const total = Math.min(ds.size, f.limit ?? Infinity);
    const bar = progressBar("eval", total, { quiet: f.json });
    const r = await evaluateAccuracy(model, ds, {
      batchSize: f.batch,
      output: f.output,
      threads: f.threads,
      limit: f.limit,
      onProgress: (done, _t, correct) => bar.update(done, { acc: `${((100 * correct) / done).toFixed(2)}%` }),
    });
    bar.stop();
    if (f.json) return void process.stdout.write(JSON.stringify({ model: path, data: ds.description, ...(ds.notes?.length ? { notes: ds.notes } : {}), ...r }, null, 2) + "\n");
    process.stdout.write(
      `${path} on ${ds.description}\n` +
        (ds.notes ?? []).map((n) => `note: ${n}\n`).join("") +
        `top-1 accuracy ${(100 * r.accuracy).toFixed(2)}% (${r.correct}/${r.count}), output "${r.output}", batch ${r.batchSize}, ${r.samplesPerSecond.toFixed(0)} samples/s\n`,
    );
  });
}
