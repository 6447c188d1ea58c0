import type { Command } from "commander";
import { buildZooModel, zooInfo, zooNames } from "../../zoo/index.js";
import { saveModel } from "../../ir/serde/save.js";
import { checkOutputPath } from "../output-file.js";
import { nonNegativeInt } from "../options.js";
import { QuantaError } from "../../errors.js";
import { formatBytes, formatCount, table } from "../format.js";

interface ZooFlags {
  output?: string;
  seed: number;
  externalData?: boolean;
  force?: boolean;
  list?: boolean;
  json?: boolean;
}

export function registerZoo(program: Command): void {
  program
    .command("zoo")
    .description(`Write a reference model built in code with seeded random weights (${zooNames().join(", ")}).`)
    .argument("[name]", "model name; see --list")
    .option("-o, --output <file>", "where to write the .onnx file")
    .option("--seed <n>", "weight seed", nonNegativeInt("--seed"), 0)
    .option("--external-data", "store weights in <file>.data beside the model")
    .option("--force", "overwrite an existing output file")
    .option("--list", "list the models with their parameter counts")
    .option("--json", "print JSON instead of text")
    .action((name: string | undefined, f: ZooFlags) => {
      if (f.list || !name) {
        const infos = zooNames().map(zooInfo);
        if (f.json) return void process.stdout.write(JSON.stringify(infos, null, 2) + "\n");
        process.stdout.write(table(["name", "parameters", "description"], infos.map((i) => [i.name, formatCount(i.trainableParams), i.description])) + "\n");
        if (!name && !f.list) throw new QuantaError("name a model to write, e.g. quanta zoo resnet18 -o resnet18.onnx", 2);
        return;
      }
      if (!f.output) throw new QuantaError("pass -o <file> to say where to write the model", 2);
      zooInfo(name); // validates the name before any work
      const out = checkOutputPath(f.output, { force: f.force });
      const t0 = performance.now();
      const model = buildZooModel(name, { seed: f.seed });
      const saved = saveModel(model, out, { externalData: f.externalData ? true : "auto" });
      const info = zooInfo(name);
      const result = { name, output: f.output, parameters: info.trainableParams, bytes: saved.bytes + saved.externalBytes, ms: Math.round(performance.now() - t0) };
      if (f.json) return void process.stdout.write(JSON.stringify(result, null, 2) + "\n");
      process.stdout.write(`wrote ${f.output}: ${name}, ${formatCount(result.parameters)} parameters, ${formatBytes(result.bytes)} in ${result.ms} ms\n`);
    });
}
