// Which activations of a float32 model leave float16's range, measured by running the model on
// sample data: converting the ops that produce or read them would turn those values into ±Inf.
// Weights need no run (convertModelToFloat16's keepOutOfRangeWeights looks at them directly).

import { DataType } from "../ir/dtype.js";
import type { Model } from "../ir/model.js";
import type { Dataset } from "../data/dataset.js";
import { FLOAT16_MAX } from "../ir/tensor/float16.js";
import { calibrate } from "../quant/calibrate.js";
import { sourceElementTypes } from "./source-types.js";

/**
 * Magnitudes at or above this on the samples count as out of range: half of float16's ±65504,
 * as headroom for inputs the samples do not cover.
 */
export const FLOAT16_RANGE_LIMIT = FLOAT16_MAX / 2;

export interface Float16RangeReport {
  /** Values whose largest magnitude on the samples reached FLOAT16_RANGE_LIMIT, largest first. */
  outOfRange: { name: string; peak: number }[];
  /** Float32 values measured, and the samples run. */
  measured: number;
  samples: number;
}

/** Runs `model` (float32) on up to `samples` samples of `ds` and reports the values float16 cannot hold. */
export async function float16RangeCheck(model: Model, ds: Dataset, samples: number, limit = FLOAT16_RANGE_LIMIT): Promise<Float16RangeReport> {
  const g = model.graph;
  const types = sourceElementTypes(g);
  const values = [...types.entries()].filter(([v, t]) => t === DataType.FLOAT && !g.constantValue(v)).map(([v]) => v);
  if (values.length === 0 || samples < 1) return { outOfRange: [], measured: 0, samples: 0 };
  const cal = await calibrate(model, values, ds, { observer: "minmax", samples, symmetric: false });
  const outOfRange: Float16RangeReport["outOfRange"] = [];
  for (const [v, r] of cal.ranges) {
    const peak = Math.max(Math.abs(r.min), Math.abs(r.max));
    // NaN peaks (a NaN in the float model itself) are not a range problem float32 would avoid.
    if (peak >= limit) outOfRange.push({ name: v.name, peak });
  }
  outOfRange.sort((a, b) => b.peak - a.peak);
  return { outOfRange, measured: values.length, samples: cal.samples };
}
