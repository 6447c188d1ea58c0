import type { Command } from "commander";
import { loadModel } from "../../ir/serde/load.js";
import { inspectModel, type InspectReport } from "../../inspect/inspect.js";
import { formatBytes, formatCount, formatShape, table } from "../format.js";

export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description("Show a model's IR version, opsets, inputs/outputs, op types, parameters and bytes by type.")
    .argument("<model>", "ONNX model file (.onnx)")
    .option("--json", "print one JSON object instead of text")
    .action((path: string, opts: { json?: boolean }) => {
      const report = inspectModel(loadModel(path), path);
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + "\n" : formatInspect(report) + "\n");
    });
}

export function formatInspect(r: InspectReport): string {
  const lines = [
    `${r.file}: ${formatBytes(r.fileBytes ?? 0)}${r.externalDataFiles.length ? ` (with ${r.externalDataFiles.length} external data file(s))` : ""}`,
    `IR version ${r.irVersion}, opsets ${Object.entries(r.opsets).map(([d, v]) => `${d} ${v}`).join(", ")}${r.producer ? `, made by ${r.producer}` : ""}`,
    "",
    table(["", "name", "type", "shape"], [
      ...r.inputs.map((v) => ["input", v.name, v.dtype, formatShape(v.shape)]),
      ...r.outputs.map((v) => ["output", v.name, v.dtype, formatShape(v.shape)]),
    ]),
    "",
    `${formatCount(r.nodeCount)} nodes, ${formatCount(r.parameters)} parameters`,
    table(["op type", "count"], Object.entries(r.opTypes).map(([k, v]) => [k, v])),
    "",
    table(["weights dtype", "bytes"], Object.entries(r.bytesByDtype).map(([k, v]) => [k, formatBytes(v)])),
  ];
  return lines.join("\n");
}
