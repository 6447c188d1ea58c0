// Scale and zero point of every planned activation tensor, from calibrated ranges; tensors that
// share a producer's parameters (data movement) inherit them.

import type { Value } from "../ir/value.js";
import type { QuantPlan } from "./plan.js";
import { qparamsFromRange, type QParams } from "./math.js";
import type { StaticQuantConfig } from "./config.js";

export interface Range {
  min: number;
  max: number;
}

export function activationParams(plan: QuantPlan, ranges: ReadonlyMap<Value, Range>, config: StaticQuantConfig): Map<Value, QParams> {
  const out = new Map<Value, QParams>();
  const resolve = (v: Value, depth = 0): QParams => {
    const done = out.get(v);
    if (done) return done;
    const t = plan.tensors.get(v);
    if (!t) throw new Error(`tensor "${v.name}" is not planned for quantization`);
    if (depth > 10000) throw new Error(`cycle in shared quantization parameters at "${v.name}"`);
    let p: QParams;
    if (t.shareWith) p = resolve(t.shareWith, depth + 1);
    else {
      const r = ranges.get(t.rangeOf);
      if (!r) throw new Error(`no calibrated range for "${t.rangeOf.name}"`);
      p = qparamsFromRange(r.min, r.max, { qtype: config.activationType, symmetric: config.symmetricActivations });
    }
    out.set(v, p);
    return p;
  };
  for (const v of plan.tensors.keys()) resolve(v);
  return out;
}
