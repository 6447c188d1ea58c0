// Histogram observers that pick a clipping range for a given number of quantization levels
// (entropy, mse): they differ only in the search, so the rest lives here once.

import type { Binned } from "./histogram.js";
import { HistogramObserver, type HistogramObserverJSON } from "./histogram-observer.js";
import { mirrored, type Range } from "./observer.js";
import { levelsOption, type ObserverOptions } from "./options.js";

export type LevelsOptions = Pick<ObserverOptions, "symmetric" | "bins" | "levels">;

export interface LevelsJSON<K extends "entropy" | "mse"> extends HistogramObserverJSON<K> {
  levels: number;
}

export abstract class LevelsObserver<K extends "entropy" | "mse"> extends HistogramObserver {
  abstract override readonly kind: K;
  readonly levels: number;

  constructor(options: LevelsOptions = {}) {
    super(options);
    this.levels = levelsOption(options);
  }

  /** Clipping threshold t of |x|, for the symmetric range [-t, t]. */
  protected abstract threshold(abs: Binned, levels: number): number;
  /** Clipping range of x, for asymmetric quantization. */
  protected abstract clippedRange(values: Binned, levels: number): Range;

  protected search(symmetric: boolean): Range {
    if (symmetric) return mirrored(this.threshold(this.histogram.absView(), this.levels));
    return this.clippedRange(this.histogram.view(), this.levels);
  }

  toJSON(): LevelsJSON<K> {
    return { ...this.baseJSON(this.kind), levels: this.levels };
  }

  /** Options to rebuild an observer from its JSON (then `restore` the histogram). */
  protected static optionsFromJSON(json: unknown): LevelsOptions {
    const j = json as LevelsJSON<"entropy" | "mse">;
    return { symmetric: j?.symmetric, bins: j?.histogram?.bins, levels: j?.levels };
  }
}
