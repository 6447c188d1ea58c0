// A dataset of random inputs with the model's types and shapes: for speed benchmarks only
// (calibrating on it gives ranges that mean nothing for real data).

import type { Model } from "../ir/model.js";
import type { Dataset, Sample } from "./dataset.js";
import { planInputs, randomFeeds } from "../evaluate/random-inputs.js";
import { unbatchedInputs } from "../evaluate/conform.js";
import type { HostTensor } from "../runtime/host-tensor.js";

export function randomDataset(model: Model, size: number, dims: Record<string, number> = {}, seed = 1): Dataset {
  // One sample per row: batch-like leading dims are 1 and dropped from each sample.
  const leading = Object.fromEntries(model.graph.inputs.flatMap((v) => (typeof v.shape?.[0] === "string" ? [[v.shape[0], 1]] : [])));
  const known = new Set(model.graph.inputs.flatMap((v) => (v.shape ?? []).filter((d): d is string => typeof d === "string")));
  const given = Object.fromEntries(Object.entries(dims).filter(([k]) => known.has(k)));
  const { inputs: planned } = planInputs(model, { ...given, ...leading });
  // An input without a batch axis (a scalar sample rate, a state tensor) is one whole tensor per sample.
  const whole = new Set([...unbatchedInputs(model.graph.inputs.filter((v) => !v.initializer))].map((v) => v.name));
  // Any other input gets one row per sample, also when the model fixes its batch (runs pad back up
  // to it); a sample of the whole fixed batch had its data disagree with the dims it was given.
  const inputs = planned.map((p) => (whole.has(p.name) || p.dims.length === 0 ? p : { ...p, dims: [1, ...p.dims.slice(1)] }));
  return {
    description: `${size} random samples (not real data)`,
    size,
    inputNames: inputs.map((p) => p.name),
    hasLabels: false,
    async get(i: number): Promise<Sample> {
      const feeds = randomFeeds(model, inputs, seed + i * 7919);
      // Batched inputs were planned with one row: a sample drops that leading 1.
      const out: Record<string, HostTensor> = {};
      for (const [k, t] of Object.entries(feeds)) out[k] = whole.has(k) ? t : { ...t, dims: t.dims.slice(1) };
      return { inputs: out };
    },
  };
}
