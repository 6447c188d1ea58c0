// One corpus entry end to end: the round trip on its own inputs, then every command.

import { readFileSync } from "node:fs";
import type { Model } from "../../src/ir/model.js";
import { openDataset } from "../../src/data/open-dataset.js";
import { randomDataset } from "../../src/data/random-dataset.js";
import { decodeNpz } from "../../src/data/npz.js";
import type { Dataset } from "../../src/data/dataset.js";
import { loadModel } from "../../src/ir/serde/load.js";
import { COMMANDS, backendCases, datasetCase, roundTrip, runCommand, verificationBlocker, type CommandName, type CommandOutcome, type CorpusOptions, type RoundTripCase, type RoundTripOutcome } from "./harness.js";
import type { CorpusEntry } from "./entries.js";

export interface CorpusRecord {
  suite: CorpusEntry["suite"];
  group: string;
  name: string;
  opset?: number;
  producer?: string;
  /** Op types used (main graph and subgraphs), sorted. */
  ops?: string[];
  roundTrip: RoundTripOutcome;
  /** Why outputs of transformed models could not be compared with the float model. */
  verification?: string;
  commands: Partial<Record<CommandName, CommandOutcome>>;
  ms: number;
}

/** Tolerance of the round trip against the exporter's (PyTorch's) outputs. */
export const TORCH_TOLERANCE = { rtol: 1e-3, atol: 1e-4 };

/** Inputs of an npz, named after the model's inputs; `expected.<output>` arrays are PyTorch's outputs. */
export function npzCase(path: string, model: Model): RoundTripCase {
  const arrays = decodeNpz(readFileSync(path), path);
  const feeds: RoundTripCase["feeds"] = {};
  for (const v of model.graph.inputs.filter((x) => !x.initializer)) {
    const a = arrays.get(v.name);
    if (!a) throw new Error(`${path} has no array for input "${v.name}"`);
    feeds[v.name] = a;
  }
  const expected: NonNullable<RoundTripCase["expected"]> = {};
  for (const [k, a] of arrays) if (k.startsWith("expected.")) expected[k.slice("expected.".length)] = a;
  return { feeds, expected };
}

export function corpusOptions(entry: CorpusEntry): CorpusOptions {
  const data = entry.data;
  return {
    ...(data ? { data: (_m: Model): Promise<Dataset> => openDataset(data.path, data.options ?? {}) } : {}),
    ...(entry.calibrationSamples ? { calibrationSamples: entry.calibrationSamples } : {}),
    ...(entry.verifySamples ? { verifySamples: entry.verifySamples } : {}),
  };
}

function cases(entry: CorpusEntry): (model: Model) => Promise<RoundTripCase[] | string> {
  return async (model) => {
    if (entry.suite === "onnx-backend") return backendCases(entry.path, model);
    if (entry.npzExpected && entry.data) return [npzCase(entry.data.path, model)];
    const ds = entry.data ? await openDataset(entry.data.path, entry.data.options ?? {}) : randomDataset(model, 2);
    return [await datasetCase(model, ds, 8)];
  };
}

function describe(path: string): Pick<CorpusRecord, "opset" | "producer" | "ops"> {
  try {
    const m = loadModel(path);
    const ops = new Set<string>();
    for (const n of m.graph.allNodes()) ops.add(n.domain ? `${n.domain}::${n.opType}` : n.opType);
    return { opset: m.opset, producer: [m.producerName, m.producerVersion].filter(Boolean).join(" "), ops: [...ops].sort() };
  } catch {
    return {};
  }
}

export async function evaluateEntry(entry: CorpusEntry, commands: readonly CommandName[] = COMMANDS): Promise<CorpusRecord> {
  const t0 = performance.now();
  const info = describe(entry.path);
  const rt = await roundTrip(entry.path, cases(entry), entry.suite === "torch" ? TORCH_TOLERANCE : {});
  const record: CorpusRecord = { suite: entry.suite, group: entry.group, name: entry.name, ...info, roundTrip: rt, commands: {}, ms: 0 };
  if (rt.status === "skipped") {
    // ONNX Runtime cannot load the original: out of scope for every command too.
    for (const c of commands) record.commands[c] = { status: "skipped", detail: rt.detail!, ms: 0 };
  } else {
    const opts = corpusOptions(entry);
    const blocker = await verificationBlocker(entry.path, opts);
    if (blocker) record.verification = blocker;
    // A backend test's own inputs verify what random inputs cannot (when the float model runs on them).
    let fallback: RoundTripCase[] | undefined;
    if (blocker && entry.suite === "onnx-backend" && (rt.status === "identical" || rt.status === "differs")) {
      const c = backendCases(entry.path, loadModel(entry.path));
      // quanta's runtime carries numbers only: string-input models stay unverified.
      if (typeof c !== "string" && !c.some((x) => Object.values(x.feeds).some((t) => t.type === "string"))) fallback = c;
    }
    for (const c of commands) record.commands[c] = await runCommand(c, entry.path, opts, { ...(blocker ? { blocker } : {}), ...(fallback ? { cases: fallback } : {}) });
  }
  record.ms = performance.now() - t0;
  return record;
}
