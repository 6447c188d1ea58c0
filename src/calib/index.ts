// Public API of the calibration observers: per-tensor range estimation for static quantization.

export { OBSERVER_KINDS, isObserverKind, type ObserverKind, type Observer, type Range, type RangeOptions, type ObserverJSONBase } from "./observer.js";
export { createObserver, observerFromJSON, type ObserverByKind } from "./registry.js";
export { OBSERVER_DEFAULTS, type ObserverOptions } from "./options.js";
export type { NonFiniteCounts } from "./scan.js";
export { Histogram, DEFAULT_BINS, binLow, binHigh, type Binned, type HistogramJSON } from "./histogram.js";
export { HistogramObserver, type HistogramKind, type HistogramObserverJSON } from "./histogram-observer.js";
export { MinMaxObserver, type MinMaxOptions, type MinMaxJSON } from "./minmax.js";
export { MovingAverageObserver, type MovingAverageOptions, type MovingAverageJSON } from "./moving-average.js";
export { Ema, type EmaJSON } from "./ema.js";
export { PercentileObserver, quantile, type PercentileOptions, type PercentileJSON } from "./percentile.js";
export { EntropyObserver, KlDivergence, entropyThreshold, entropyRange, type EntropyOptions, type EntropyJSON } from "./entropy.js";
export { MseObserver, mseThreshold, mseRange, type MseOptions, type MseJSON } from "./mse.js";
