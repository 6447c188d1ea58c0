// The contract every activation observer meets: fed batch by batch during calibration, merged
// across workers, and asked once at the end for the range that scale/zero point come from.

import type { NonFiniteCounts } from "./scan.js";

export const OBSERVER_KINDS = ["minmax", "moving-average", "percentile", "entropy", "mse"] as const;
export type ObserverKind = (typeof OBSERVER_KINDS)[number];

export function isObserverKind(s: string): s is ObserverKind {
  return (OBSERVER_KINDS as readonly string[]).includes(s);
}

export interface RangeOptions {
  /** Range of |x| mirrored to [-t, t] (symmetric quantization) instead of [lo, hi]. */
  symmetric: boolean;
}

export interface Range {
  min: number;
  max: number;
}

export interface Observer {
  readonly kind: ObserverKind;
  /**
   * True when the observer needs every value (the histogram kinds); false when per-batch
   * extremes suffice, so observeMinMax can take them from ReduceMin/ReduceMax in ONNX Runtime.
   */
  readonly needsValues: boolean;
  /** Values observe() skipped (observeMinMax cannot know them). */
  readonly nonFinite: Readonly<NonFiniteCounts>;
  /** One batch of values. NaN and ±Infinity are counted and ignored. */
  observe(values: Float32Array): void;
  /**
   * One batch's precomputed extremes. A non-finite bound is ignored. Observers with
   * needsValues throw: a histogram cannot be built from two numbers.
   */
  observeMinMax(min: number, max: number): void;
  /** Folds in an observer of the same kind and settings that saw other batches. */
  merge(other: Observer): void;
  /**
   * The calibrated range, finite with min <= max; {0, 0} when no finite value was observed.
   * opts.symmetric defaults to the observer's `symmetric` option.
   */
  range(opts?: RangeOptions): Range;
  /** Plain JSON (for worker messages); observerFromJSON rebuilds the observer. */
  toJSON(): ObserverJSONBase;
}

export interface ObserverJSONBase {
  readonly kind: ObserverKind;
}

/** [-t, t]; + 0 keeps -0 out of ranges. */
export function mirrored(absMax: number): Range {
  return { min: -absMax + 0, max: absMax + 0 };
}
