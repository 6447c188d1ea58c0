// Moving-average min/max (torch.ao's MovingAverageMinMaxObserver): each bound is an
// exponential moving average of the per-batch extremes, so a few outlier batches move the range
// only a little. Like minmax it needs only per-batch extremes (observeMinMax).
// Merge appends: the result is what one observer would hold after this one's batches followed
// by the other's (see ema.ts), so merge workers in dataset order.

import { Ema } from "./ema.js";
import { mirrored, type Observer, type Range, type RangeOptions } from "./observer.js";
import { averagingConstantOption, symmetricOption, type ObserverOptions } from "./options.js";
import { addNonFinite, noNonFinite, scanFinite, type NonFiniteCounts } from "./scan.js";
import type { EmaJSON } from "./ema.js";

export type MovingAverageOptions = Pick<ObserverOptions, "symmetric" | "averagingConstant">;

export interface MovingAverageJSON extends NonFiniteCounts {
  kind: "moving-average";
  symmetric: boolean;
  averagingConstant: number;
  min: EmaJSON;
  max: EmaJSON;
}

export class MovingAverageObserver implements Observer {
  readonly kind = "moving-average";
  readonly needsValues = false;
  readonly symmetric: boolean;
  readonly averagingConstant: number;
  readonly #nonFinite = noNonFinite();
  // One average per bound: a batch whose max is not finite still updates the min.
  #min: Ema;
  #max: Ema;

  constructor(options: MovingAverageOptions = {}) {
    this.symmetric = symmetricOption(options);
    this.averagingConstant = averagingConstantOption(options);
    this.#min = new Ema(this.averagingConstant);
    this.#max = new Ema(this.averagingConstant);
  }

  get nonFinite(): Readonly<NonFiniteCounts> {
    return this.#nonFinite;
  }

  /** Batches that contributed to the min and to the max average. */
  get batches(): { min: number; max: number } {
    return { min: this.#min.n, max: this.#max.n };
  }

  observe(values: Float32Array): void {
    const s = scanFinite(values);
    addNonFinite(this.#nonFinite, s);
    this.observeMinMax(s.min, s.max);
  }

  observeMinMax(min: number, max: number): void {
    if (Number.isFinite(min)) this.#min.push(min);
    if (Number.isFinite(max)) this.#max.push(max);
  }

  merge(other: Observer): void {
    if (!(other instanceof MovingAverageObserver)) throw new Error(`cannot merge a ${other.kind} observer into a moving-average one`);
    this.#min.append(other.#min);
    this.#max.append(other.#max);
    addNonFinite(this.#nonFinite, other.#nonFinite);
  }

  range(opts?: RangeOptions): Range {
    const seenMin = this.#min.n > 0;
    const seenMax = this.#max.n > 0;
    if (!seenMin && !seenMax) return { min: 0, max: 0 };
    let lo = seenMin ? this.#min.value : this.#max.value;
    let hi = seenMax ? this.#max.value : this.#min.value;
    if (lo > hi) [lo, hi] = [hi, lo];
    if (opts?.symmetric ?? this.symmetric) return mirrored(Math.max(-lo, hi) + 0);
    return { min: lo + 0, max: hi + 0 };
  }

  toJSON(): MovingAverageJSON {
    return {
      kind: this.kind,
      symmetric: this.symmetric,
      averagingConstant: this.averagingConstant,
      min: this.#min.toJSON(),
      max: this.#max.toJSON(),
      ...this.#nonFinite,
    };
  }

  static fromJSON(json: unknown): MovingAverageObserver {
    const j = json as MovingAverageJSON;
    if (typeof j !== "object" || j === null || j.kind !== "moving-average") throw new Error("invalid moving-average observer JSON");
    const o = new MovingAverageObserver({ symmetric: j.symmetric, averagingConstant: j.averagingConstant });
    o.#min = Ema.fromJSON(o.averagingConstant, j.min);
    o.#max = Ema.fromJSON(o.averagingConstant, j.max);
    for (const k of ["nan", "posInf", "negInf"] as const) {
      if (!Number.isInteger(j[k]) || j[k] < 0) throw new Error(`invalid moving-average observer JSON: ${k}`);
      o.#nonFinite[k] = j[k];
    }
    return o;
  }
}
