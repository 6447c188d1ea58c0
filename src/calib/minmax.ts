// Running min/max: the cheapest observer. It needs only each batch's extremes, so calibration can
// compute them in ONNX Runtime (ReduceMin/ReduceMax) and pass two numbers via observeMinMax.

import { mirrored, type Observer, type Range, type RangeOptions } from "./observer.js";
import { symmetricOption, type ObserverOptions } from "./options.js";
import { addNonFinite, noNonFinite, scanFinite, type NonFiniteCounts } from "./scan.js";

export type MinMaxOptions = Pick<ObserverOptions, "symmetric">;

export interface MinMaxJSON extends NonFiniteCounts {
  kind: "minmax";
  symmetric: boolean;
  /** null until a finite value was seen (JSON has no Infinity). */
  min: number | null;
  max: number | null;
}

export class MinMaxObserver implements Observer {
  readonly kind = "minmax";
  readonly needsValues = false;
  readonly symmetric: boolean;
  readonly #nonFinite = noNonFinite();
  #min = Infinity;
  #max = -Infinity;

  constructor(options: MinMaxOptions = {}) {
    this.symmetric = symmetricOption(options);
  }

  get nonFinite(): Readonly<NonFiniteCounts> {
    return this.#nonFinite;
  }

  observe(values: Float32Array): void {
    const s = scanFinite(values);
    addNonFinite(this.#nonFinite, s);
    this.observeMinMax(s.min, s.max);
  }

  observeMinMax(min: number, max: number): void {
    // Non-finite bounds (a batch of NaN, an overflow) are skipped, one bound at a time.
    if (Number.isFinite(min) && min < this.#min) this.#min = min + 0;
    if (Number.isFinite(max) && max > this.#max) this.#max = max + 0;
  }

  merge(other: Observer): void {
    if (!(other instanceof MinMaxObserver)) throw new Error(`cannot merge a ${other.kind} observer into a minmax one`);
    addNonFinite(this.#nonFinite, other.#nonFinite);
    this.observeMinMax(other.#min, other.#max);
  }

  range(opts?: RangeOptions): Range {
    let lo = this.#min;
    let hi = this.#max;
    if (lo === Infinity && hi === -Infinity) return { min: 0, max: 0 };
    // A bound never seen (only its partner was ever finite) falls back to the other one.
    if (lo === Infinity) lo = hi;
    if (hi === -Infinity) hi = lo;
    if (lo > hi) [lo, hi] = [hi, lo];
    if (opts?.symmetric ?? this.symmetric) return mirrored(Math.max(-lo, hi));
    return { min: lo, max: hi };
  }

  toJSON(): MinMaxJSON {
    const finite = (x: number) => (Number.isFinite(x) ? x : null);
    return { kind: this.kind, symmetric: this.symmetric, min: finite(this.#min), max: finite(this.#max), ...this.#nonFinite };
  }

  static fromJSON(json: unknown): MinMaxObserver {
    const j = json as MinMaxJSON;
    if (typeof j !== "object" || j === null || j.kind !== "minmax") throw new Error("invalid minmax observer JSON");
    const o = new MinMaxObserver({ symmetric: j.symmetric });
    for (const k of ["nan", "posInf", "negInf"] as const) {
      if (!Number.isInteger(j[k]) || j[k] < 0) throw new Error(`invalid minmax observer JSON: ${k}`);
      o.#nonFinite[k] = j[k];
    }
    o.observeMinMax(j.min ?? NaN, j.max ?? NaN);
    return o;
  }
}
