// The PyTorch half of the corpus as the tests check it: every export's round trip against
// PyTorch's own outputs, and dynamic / static / fp16 verified on the exporter's inputs.

import { join } from "node:path";
import type { Model } from "../../src/ir/model.js";
import { roundTrip, runCommand, type CommandName, type CommandOutcome, type RoundTripOutcome } from "./harness.js";
import { TORCH_DIR, torchEntries, type CorpusEntry } from "./entries.js";
import { TORCH_TOLERANCE, corpusOptions, npzCase } from "./evaluate.js";

/** The commands the PyTorch targets apply to (fp16 as the CLI runs it, without --keep-io-types). */
export const TORCH_COMMANDS = ["dynamic", "static", "fp16"] as const satisfies readonly CommandName[];

/** Targets every PyTorch export should meet against its float model. */
export const TORCH_TARGETS = { sqnrDb: 25, top1: 0.99 };

export function torchEntry(name: string): CorpusEntry {
  const e = torchEntries().find((x) => x.name === name);
  if (!e) throw new Error(`no PyTorch export ${name} in ${TORCH_DIR}`);
  return e;
}

export async function torchRoundTrip(e: CorpusEntry): Promise<RoundTripOutcome> {
  return roundTrip(e.path, async (m: Model) => [npzCase(join(TORCH_DIR, `${e.name}.npz`), m)], TORCH_TOLERANCE);
}

/** One command, calibrated (static) on the export's inputs and verified on all of them, top-1 over the last axis. */
export async function torchCommand(e: CorpusEntry, cmd: CommandName): Promise<CommandOutcome> {
  const c = npzCase(join(TORCH_DIR, `${e.name}.npz`), (await import("../../src/ir/serde/load.js")).loadModel(e.path));
  return runCommand(cmd, e.path, corpusOptions(e), { cases: [c], lastAxisTop1: true });
}

/** Whether an outcome meets the targets, and the numbers either way. */
export function meetsTargets(o: CommandOutcome): { ok: boolean; text: string } {
  const db = o.sqnrDb === undefined ? "-" : Number.isFinite(o.sqnrDb) ? `${o.sqnrDb.toFixed(1)} dB` : "∞ dB";
  const top1 = o.top1 === undefined ? "" : `, top-1 ${(100 * o.top1).toFixed(1)}%`;
  const text = o.status === "done" || o.status === "unchanged" ? `SQNR ${db}${top1} on ${o.samples} samples` : `${o.status}: ${o.detail ?? ""}`;
  const ok = o.status === "done" && o.sqnrDb !== undefined && o.sqnrDb >= TORCH_TARGETS.sqnrDb && (o.top1 === undefined || o.top1 >= TORCH_TARGETS.top1);
  return { ok, text };
}
