// The order in which a run visits the data, as a pure function of (seed, epoch): a resumed run
// recomputes it from the checkpoint's counters and sees exactly the batches an uninterrupted run
// would have. Each epoch drops its last incomplete batch, so every step has the same batch shape
// (needed to stack steps for the Loop graph, and it keeps BatchNorm away from tiny batches).

import { shuffleInPlace } from "../data/seeded-shuffle.js";

/** A well-mixed 32-bit seed per epoch, so neighbouring epochs get unrelated orders. */
export function epochSeed(seed: number, epoch: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

export function epochOrder(size: number, seed: number, epoch: number): number[] {
  return shuffleInPlace(Array.from({ length: size }, (_, i) => i), epochSeed(seed, epoch));
}

export function stepsPerEpoch(size: number, batchSize: number): number {
  return Math.floor(size / batchSize);
}

/** Dataset indices of batch `index` within an epoch's order. */
export function batchIndices(order: readonly number[], batchSize: number, index: number): number[] {
  return order.slice(index * batchSize, (index + 1) * batchSize);
}
