// Observer factory for the CLI's --calibrate flag and the calibration loop, and the inverse of
// toJSON for observers shipped between workers.

import { EntropyObserver } from "./entropy.js";
import { MinMaxObserver } from "./minmax.js";
import { MovingAverageObserver } from "./moving-average.js";
import { MseObserver } from "./mse.js";
import type { Observer, ObserverKind } from "./observer.js";
import { isObserverKind, OBSERVER_KINDS } from "./observer.js";
import type { ObserverOptions } from "./options.js";
import { PercentileObserver } from "./percentile.js";
import { QuantaError } from "../errors.js";

export interface ObserverByKind {
  minmax: MinMaxObserver;
  "moving-average": MovingAverageObserver;
  percentile: PercentileObserver;
  entropy: EntropyObserver;
  mse: MseObserver;
}

/** A fresh observer; options a kind does not use are ignored. Throws QuantaError on bad options. */
export function createObserver<K extends ObserverKind>(kind: K, options: ObserverOptions = {}): ObserverByKind[K] {
  const make: { [P in ObserverKind]: (o: ObserverOptions) => ObserverByKind[P] } = {
    minmax: (o) => new MinMaxObserver(o),
    "moving-average": (o) => new MovingAverageObserver(o),
    percentile: (o) => new PercentileObserver(o),
    entropy: (o) => new EntropyObserver(o),
    mse: (o) => new MseObserver(o),
  };
  if (!isObserverKind(kind)) throw new QuantaError(`unknown observer "${String(kind)}" (expected one of ${OBSERVER_KINDS.join(", ")})`);
  return make[kind](options);
}

/** Rebuilds an observer from its toJSON() (after JSON or structured cloning). */
export function observerFromJSON(json: unknown): Observer {
  const kind = (json as { kind?: unknown } | null)?.kind;
  switch (kind) {
    case "minmax":
      return MinMaxObserver.fromJSON(json);
    case "moving-average":
      return MovingAverageObserver.fromJSON(json);
    case "percentile":
      return PercentileObserver.fromJSON(json);
    case "entropy":
      return EntropyObserver.fromJSON(json);
    case "mse":
      return MseObserver.fromJSON(json);
    default:
      throw new Error(`invalid observer JSON: unknown kind ${JSON.stringify(kind)}`);
  }
}
