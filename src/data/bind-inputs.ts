// Matching a dataset's inputs to a model's input names once, before any batch is run, so a
// mismatch is reported with a fix instead of surfacing as an ONNX Runtime error mid-run.

import type { HostTensor } from "../runtime/host-tensor.js";
import type { Dataset } from "./dataset.js";
import { POSITIONAL_INPUT } from "./positional-input.js";
import { fail } from "./data-error.js";

export type InputBinding = (inputs: Record<string, HostTensor>) => Record<string, HostTensor>;

/**
 * Positional datasets feed the model's first input (and need a one-input model). Named datasets
 * feed each model input by name, dropping inputs the model does not take; a lone named array also
 * feeds a lone model input whatever its name, since that pairing is unambiguous.
 */
export function bindInputs(ds: Pick<Dataset, "inputNames" | "description" | "entries" | "assignedInputs">, modelInputs: readonly string[]): InputBinding {
  if (modelInputs.length === 0) fail("the model has no inputs to feed");
  const unknown = (ds.assignedInputs ?? []).filter((n) => !modelInputs.includes(n));
  if (unknown.length) fail(`--input-key assigns ${unknown.map((n) => `'${n}'`).join(", ")}, which the model does not take (its inputs: ${modelInputs.join(", ")})`);
  const names = ds.inputNames;
  if (names === null || (names.length === 1 && modelInputs.length === 1)) {
    if (modelInputs.length > 1) {
      fail(`the model takes ${modelInputs.length} inputs (${modelInputs.join(", ")}) but ${ds.description} provides one unnamed array; save an .npz with one array per input name`);
    }
    const key = names === null ? POSITIONAL_INPUT : names[0]!;
    const target = modelInputs[0]!;
    return (inputs) => ({ [target]: inputs[key] ?? fail(`a batch of ${ds.description} has no input '${key}'`) });
  }
  const missing = modelInputs.filter((m) => !names.includes(m));
  if (missing.length > 0) {
    const needs = `the model needs input${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`;
    if (ds.entries && !missing.includes("token_type_ids")) {
      // The entry listing already says what the data has (the description would repeat it).
      fail(`${needs}, which the data does not provide: ${ds.entries}; say which entry feeds which input with --input-key <entry>=<input>`);
    }
    const hint = missing.includes("token_type_ids") && names.includes("input_ids")
      ? "pass --include-token-type-ids"
      : `save the data as an .npz with arrays named ${missing.map((m) => `'${m}'`).join(", ")}`;
    fail(`${needs} that ${ds.description} does not provide (it has ${names.join(", ")}); ${hint}`);
  }
  return (inputs) => Object.fromEntries(modelInputs.map((m) => [m, inputs[m] ?? fail(`a batch of ${ds.description} has no input '${m}'`)]));
}
