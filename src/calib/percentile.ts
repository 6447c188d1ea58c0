// Percentile ranges: clip the rarest (100 - p)% of values. Asymmetric ranges take the lower and
// upper percentiles of x; symmetric ones the p-th percentile of |x|. Within a bin the mass is
// taken as uniform (bins clipped to the exact min/max), so the error is below one bin width.

import { binHigh, binLow, type Binned } from "./histogram.js";
import { HistogramObserver, type HistogramObserverJSON } from "./histogram-observer.js";
import { mirrored, type Range } from "./observer.js";
import { percentileOption, type ObserverOptions } from "./options.js";

/** The value below which a fraction q in [0, 1] of the mass lies. */
export function quantile(b: Binned, q: number): number {
  const target = q * b.total;
  let below = 0;
  for (let i = 0; i < b.counts.length; i++) {
    const c = b.counts[i]!;
    if (c > 0 && below + c >= target) {
      const lo = binLow(b, i);
      return lo + ((target - below) / c) * (binHigh(b, i) - lo);
    }
    below += c;
  }
  return b.max;
}

export type PercentileOptions = Pick<ObserverOptions, "symmetric" | "bins" | "percentile">;

export interface PercentileJSON extends HistogramObserverJSON<"percentile"> {
  percentile: number;
}

export class PercentileObserver extends HistogramObserver {
  readonly kind = "percentile";
  readonly percentile: number;

  constructor(options: PercentileOptions = {}) {
    super(options);
    this.percentile = percentileOption(options);
  }

  protected search(symmetric: boolean): Range {
    const p = this.percentile;
    if (symmetric) return mirrored(quantile(this.histogram.absView(), p / 100));
    const v = this.histogram.view();
    return { min: quantile(v, (100 - p) / 100), max: quantile(v, p / 100) };
  }

  toJSON(): PercentileJSON {
    return { ...this.baseJSON(this.kind), percentile: this.percentile };
  }

  static fromJSON(json: unknown): PercentileObserver {
    const j = json as PercentileJSON;
    const o = new PercentileObserver({ symmetric: j?.symmetric, bins: j?.histogram?.bins, percentile: j?.percentile });
    o.restore(json);
    return o;
  }
}
