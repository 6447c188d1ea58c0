// What the percentile, entropy and mse observers share: they all keep one mergeable histogram of
// every value and differ only in how range() reads it.

import { QuantaError } from "../errors.js";
import { Histogram, type HistogramJSON } from "./histogram.js";
import type { Observer, Range, RangeOptions } from "./observer.js";
import { binsOption, symmetricOption, type ObserverOptions } from "./options.js";
import type { NonFiniteCounts } from "./scan.js";

export type HistogramKind = "percentile" | "entropy" | "mse";

export interface HistogramObserverJSON<K extends HistogramKind> {
  kind: K;
  symmetric: boolean;
  histogram: HistogramJSON;
}

export abstract class HistogramObserver implements Observer {
  abstract readonly kind: HistogramKind;
  readonly needsValues = true;
  readonly symmetric: boolean;
  #histogram: Histogram;

  protected constructor(options: Pick<ObserverOptions, "symmetric" | "bins">) {
    this.symmetric = symmetricOption(options);
    this.#histogram = new Histogram(binsOption(options));
  }

  get histogram(): Histogram {
    return this.#histogram;
  }

  get nonFinite(): Readonly<NonFiniteCounts> {
    return this.#histogram.nonFinite;
  }

  observe(values: Float32Array): void {
    this.#histogram.add(values);
  }

  observeMinMax(_min: number, _max: number): void {
    throw new QuantaError(`the ${this.kind} observer builds a histogram and needs every value, not just each batch's min and max`);
  }

  /** Merges the histograms (exact); range settings (percentile, levels) stay this observer's. */
  merge(other: Observer): void {
    if (other.kind !== this.kind || !(other instanceof HistogramObserver)) throw new Error(`cannot merge a ${other.kind} observer into a ${this.kind} one`);
    this.#histogram.merge(other.#histogram);
  }

  range(opts?: RangeOptions): Range {
    if (this.#histogram.finite === 0) return { min: 0, max: 0 };
    const r = this.search(opts?.symmetric ?? this.symmetric);
    return { min: r.min + 0, max: r.max + 0 };
  }

  /** The range from a non-empty histogram. */
  protected abstract search(symmetric: boolean): Range;

  abstract toJSON(): HistogramObserverJSON<HistogramKind>;

  protected baseJSON<K extends HistogramKind>(kind: K): HistogramObserverJSON<K> {
    return { kind, symmetric: this.symmetric, histogram: this.#histogram.toJSON() };
  }

  /** For fromJSON: checks the JSON's kind and takes over its histogram. */
  protected restore(json: unknown): void {
    const j = json as HistogramObserverJSON<HistogramKind>;
    if (typeof j !== "object" || j === null || j.kind !== this.kind) throw new Error(`invalid ${this.kind} observer JSON`);
    const h = Histogram.fromJSON(j.histogram);
    if (h.bins !== this.#histogram.bins) throw new Error(`invalid ${this.kind} observer JSON: bins`);
    this.#histogram = h;
  }
}
