// Datasets from NumPy files. A .npy array is one positional input with samples along axis 0.
// A .npz archive holds one array per model input (key = input name) plus optional integer labels.

import { basename } from "node:path";
import type { HostTensor } from "../runtime/host-tensor.js";
import { elementCount } from "../runtime/host-tensor.js";
import type { DataOptions, Dataset, Sample } from "./dataset.js";
import { POSITIONAL_INPUT } from "./positional-input.js";
import { fail } from "./data-error.js";
import { decodeNpy } from "./npy.js";
import { decodeNpz } from "./npz.js";
import { numbersOf } from "./host-values.js";
import { checkIndex } from "./check-index.js";

/** Keys tried, in order, for the labels of an .npz (unless DataOptions.labelColumn names one). */
export const NPZ_LABEL_KEYS = ["labels", "label", "y"] as const;

export function openNpy(path: string, bytes: Uint8Array): Dataset {
  const name = basename(path);
  const array = decodeNpy(bytes, name);
  const count = sampleCount(array, name);
  return {
    description: `npy ${name} (${count} x ${array.type}[${array.dims.slice(1)}])`,
    size: count,
    inputNames: null,
    hasLabels: false,
    get: async (index) => {
      checkIndex(index, count, name);
      return { inputs: { [POSITIONAL_INPUT]: row(array, index) } };
    },
  };
}

/**
 * An .npz dataset. Inputs: the entries `options.inputKeys` names (renamed to the model input each
 * maps to), else every entry that is neither the labels nor a scalar (scalars such as a stored
 * mean/std are ignored, with a note); bindInputs then matches them to the model's inputs by name,
 * or pairs a lone entry with a lone model input. Labels: `options.labelKey`, else the first of
 * NPZ_LABEL_KEYS present.
 */
export function openNpz(path: string, bytes: Uint8Array, options: DataOptions = {}): Dataset {
  const name = basename(path);
  const arrays = decodeNpz(bytes, name);
  const keys = [...arrays.keys()];
  const entries = keys.map((k) => describeEntry(k, arrays.get(k)!)).join(", ") || "none";
  const chosenLabel = options.labelKey ?? options.labelColumn;
  const labelKey = chosenLabel ?? NPZ_LABEL_KEYS.find((k) => arrays.has(k));
  if (chosenLabel !== undefined && !arrays.has(chosenLabel)) {
    fail(`${name} has no array '${chosenLabel}' for labels (keys: ${keys.join(", ") || "none"}); it holds ${entries}; pass an existing key to --label-key`);
  }
  const notes: string[] = [];
  let inputs: (readonly [string, HostTensor])[];
  if (options.inputKeys?.length) {
    inputs = options.inputKeys.map(({ key, input }) => {
      const a = arrays.get(key) ?? fail(`--input-key ${key}: ${name} has no entry '${key}'; it holds ${entries}`);
      if (key === labelKey && chosenLabel !== undefined) fail(`--input-key ${key}: '${key}' is also the label key; pick another --label-key`);
      if (a.dims.length === 0) fail(`--input-key ${key}: ${name}[${key}] is a scalar; inputs need samples along the first axis (shape [N, ...]); it holds ${entries}`);
      return [input ?? key, a] as const;
    });
    const unused = keys.filter((k) => k !== labelKey && !options.inputKeys!.some((c) => c.key === k));
    if (unused.length) notes.push(`${name}: entries not used: ${unused.join(", ")}`);
  } else {
    const candidates = keys.filter((k) => k !== labelKey);
    const scalars = candidates.filter((k) => arrays.get(k)!.dims.length === 0);
    if (scalars.length) notes.push(`${name}: scalar entries ignored (not per-sample data): ${scalars.join(", ")}`);
    inputs = candidates.filter((k) => !scalars.includes(k)).map((k) => [k, arrays.get(k)!] as const);
    if (inputs.length === 0) {
      fail(`${name} holds no input arrays (keys: ${keys.join(", ") || "none"}); save one array per model input, named after the input, or pick entries with --input-key (it holds ${entries})`);
    }
  }
  const count = sampleCount(inputs[0]![1], `${name}[${inputs[0]![0]}]`);
  for (const [k, a] of inputs) {
    if (sampleCount(a, `${name}[${k}]`) !== count) {
      fail(`${name}: array '${k}' has ${a.dims[0]} samples but '${inputs[0]![0]}' has ${count}; all arrays need the same first dimension (it holds ${entries}; pick the inputs with --input-key)`);
    }
  }
  const labels = labelKey === undefined ? undefined : readLabels(arrays.get(labelKey)!, `${name}[${labelKey}]`, count);
  // numpy.savez(x) without keywords names the array arr_0: treat a lone one as positional.
  const positional = !options.inputKeys?.length && inputs.length === 1 && /^arr_\d+$/.test(inputs[0]![0]);
  const inputNames = positional ? null : inputs.map(([k]) => k);
  const shapes = inputs.map(([k, a]) => `${k}: ${a.type}[${a.dims.slice(1)}]`).join(", ");
  return {
    description: `npz ${name} (${count} x {${shapes}})${labels ? ` with labels '${labelKey}'` : ""}`,
    size: count,
    inputNames,
    hasLabels: labels !== undefined,
    entries: `${name} holds ${entries}`,
    assignedInputs: (options.inputKeys ?? []).flatMap((c) => (c.input ? [c.input] : [])),
    notes,
    get: async (index): Promise<Sample> => {
      checkIndex(index, count, name);
      const sample: Record<string, HostTensor> = {};
      for (const [k, a] of inputs) sample[positional ? POSITIONAL_INPUT : k] = row(a, index);
      return labels ? { inputs: sample, label: labels[index]! } : { inputs: sample };
    },
  };
}

/** "x float32[100,1,28,28]", "mean float64 scalar". */
function describeEntry(key: string, a: HostTensor): string {
  return `${key} ${a.type}${a.dims.length ? `[${a.dims}]` : " scalar"}`;
}

function sampleCount(a: HostTensor, name: string): number {
  if (a.dims.length === 0) fail(`${name} is a scalar; datasets need samples along the first axis (shape [N, ...])`);
  return a.dims[0]!;
}

/** Sample i along axis 0, sharing memory with the whole array (stacking copies it later). */
function row(a: HostTensor, i: number): HostTensor {
  const dims = a.dims.slice(1);
  const n = elementCount(dims);
  return { type: a.type, dims, data: a.data.subarray(i * n, (i + 1) * n) };
}

function readLabels(a: HostTensor, name: string, count: number): Int32Array {
  if (!(a.dims.length === 1 || (a.dims.length === 2 && a.dims[1] === 1))) {
    fail(`${name} has shape [${a.dims}]; labels must be integers of shape [N] (class indices, not one-hot)`);
  }
  if (a.dims[0] !== count) fail(`${name} has ${a.dims[0]} labels but the inputs have ${count} samples; save one label per sample`);
  const values = numbersOf(a);
  const bad = values.findIndex((v) => !Number.isInteger(v) || v < 0 || v > 0x7fffffff);
  if (bad >= 0) fail(`${name}[${bad}] = ${values[bad]} is not a class index; labels must be non-negative integers`);
  return Int32Array.from(values);
}
