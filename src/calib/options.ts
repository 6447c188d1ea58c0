// Observer settings: one typed bag shared by every kind (the CLI fills it from flags; each kind
// reads only its own fields), defaults, and validation with messages fit for a user.

import { QuantaError } from "../errors.js";
import { DEFAULT_BINS } from "./histogram.js";

export interface ObserverOptions {
  /** What range() returns when not told: [-t, t] from |x| (true) or [lo, hi]. Default false. */
  symmetric?: boolean;
  /** Histogram bins, for percentile, entropy and mse. Default 2048. */
  bins?: number;
  /** Percentile kept, in (50, 100], for percentile. Default 99.99. */
  percentile?: number;
  /** Quantization levels the range is chosen for (entropy, mse): 256 for 8 bits, 65536 for 16. Default 256. */
  levels?: number;
  /** Weight of each new batch in moving-average (torch.ao's averaging_constant). Default 0.01. */
  averagingConstant?: number;
}

export const OBSERVER_DEFAULTS = {
  symmetric: false,
  bins: DEFAULT_BINS,
  percentile: 99.99,
  levels: 256,
  averagingConstant: 0.01,
} as const satisfies Required<ObserverOptions>;

export function symmetricOption(o: ObserverOptions): boolean {
  const s = o.symmetric ?? OBSERVER_DEFAULTS.symmetric;
  if (typeof s !== "boolean") throw new QuantaError(`observer option symmetric must be true or false, got ${String(s)}`);
  return s;
}

export function binsOption(o: ObserverOptions): number {
  const b = o.bins ?? OBSERVER_DEFAULTS.bins;
  if (!Number.isInteger(b) || b < 16 || b > 2 ** 24) throw new QuantaError(`observer bins must be an integer from 16 to ${2 ** 24}, got ${b}`);
  return b;
}

export function percentileOption(o: ObserverOptions): number {
  const p = o.percentile ?? OBSERVER_DEFAULTS.percentile;
  if (typeof p !== "number" || !(p > 50 && p <= 100)) throw new QuantaError(`percentile must be in (50, 100], got ${p}`);
  return p;
}

export function levelsOption(o: ObserverOptions): number {
  const l = o.levels ?? OBSERVER_DEFAULTS.levels;
  if (!Number.isInteger(l) || l < 4 || l > 2 ** 24) throw new QuantaError(`quantization levels must be an integer from 4 to ${2 ** 24}, got ${l}`);
  return l;
}

export function averagingConstantOption(o: ObserverOptions): number {
  const c = o.averagingConstant ?? OBSERVER_DEFAULTS.averagingConstant;
  if (typeof c !== "number" || !(c > 0 && c <= 1)) throw new QuantaError(`averaging constant must be in (0, 1], got ${c}`);
  return c;
}
