// Grouping samples into model-ready batches: inputs stacked on a new leading axis (ragged text
// padded with zeros = [PAD]), labels gathered. The next batch is fetched while the caller works,
// because image decoding and file reads are asynchronous.

import { stackHost, type HostTensor } from "../runtime/host-tensor.js";
import type { Dataset, Sample } from "./dataset.js";
import { fail } from "./data-error.js";
import { shuffleInPlace } from "./seeded-shuffle.js";

export interface Batch {
  inputs: Record<string, HostTensor>;
  /** Present when the dataset has labels. */
  labels?: Int32Array;
  /** Dataset indices of the batch's samples, in batch order. */
  indices: number[];
}

export interface BatchOptions {
  shuffle?: boolean;
  /** Shuffle seed (default 0); pass e.g. the epoch number for a new order per epoch. */
  seed?: number;
  /** Use at most this many samples (after shuffling). */
  limit?: number;
}

export async function* batches(ds: Dataset, batchSize: number, opts: BatchOptions = {}): AsyncGenerator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) fail(`batch size must be a positive integer, got ${batchSize}`);
  const order = Array.from({ length: ds.size }, (_, i) => i);
  if (opts.shuffle) shuffleInPlace(order, opts.seed ?? 0);
  const n = Math.min(order.length, opts.limit ?? Infinity);
  const load = (start: number): Promise<Batch> => {
    const indices = order.slice(start, Math.min(start + batchSize, n));
    const p = Promise.all(indices.map((i) => ds.get(i))).then((samples) => collate(ds, samples, indices));
    p.catch(() => {}); // surfaced when awaited; avoids an unhandled rejection if the caller stops early
    return p;
  };
  let next = n > 0 ? load(0) : undefined;
  for (let start = 0; start < n; start += batchSize) {
    const current = await next!;
    next = start + batchSize < n ? load(start + batchSize) : undefined;
    yield current;
  }
}

/** Stacks samples (same input keys) into one batch. */
export function collate(ds: Pick<Dataset, "hasLabels" | "description">, samples: readonly Sample[], indices: number[]): Batch {
  const keys = Object.keys(samples[0]!.inputs);
  const inputs: Record<string, HostTensor> = {};
  for (const key of keys) {
    inputs[key] = stackHost(samples.map((s, k) => s.inputs[key] ?? fail(`sample ${indices[k]} of ${ds.description} has no input '${key}'`)));
  }
  if (!ds.hasLabels) return { inputs, indices };
  const labels = Int32Array.from(samples, (s, k) => s.label ?? fail(`sample ${indices[k]} of ${ds.description} has no label`));
  return { inputs, labels, indices };
}
