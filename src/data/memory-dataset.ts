// A dataset over samples already in memory: for tests, for data produced by code (e.g. a
// calibration set built on the fly), and for wrapping results of other commands.

import type { Dataset, Sample } from "./dataset.js";
import { POSITIONAL_INPUT } from "./positional-input.js";
import { checkIndex } from "./check-index.js";
import { fail } from "./data-error.js";

export interface MemoryDatasetOptions {
  description?: string;
  classNames?: readonly string[];
}

/** inputNames is null when every sample carries only POSITIONAL_INPUT, else the first sample's keys. */
export function memoryDataset(samples: readonly Sample[], options: MemoryDatasetOptions = {}): Dataset {
  if (samples.length === 0) fail("a dataset needs at least one sample");
  const keys = Object.keys(samples[0]!.inputs);
  const hasLabels = samples[0]!.label !== undefined;
  samples.forEach((s, i) => {
    const k = Object.keys(s.inputs);
    if (k.length !== keys.length || !k.every((x) => keys.includes(x))) fail(`sample ${i} has inputs ${k.join(", ")} but sample 0 has ${keys.join(", ")}`);
    if ((s.label !== undefined) !== hasLabels) fail(`sample ${i} ${hasLabels ? "lacks" : "has"} a label unlike sample 0; label every sample or none`);
  });
  const description = options.description ?? `${samples.length} samples in memory`;
  return {
    description,
    size: samples.length,
    inputNames: keys.length === 1 && keys[0] === POSITIONAL_INPUT ? null : keys,
    hasLabels,
    ...(options.classNames ? { classNames: options.classNames } : {}),
    get: async (index) => {
      checkIndex(index, samples.length, description);
      return samples[index]!;
    },
  };
}
