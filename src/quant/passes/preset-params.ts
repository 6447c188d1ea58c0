// The activation parameters of a plan given instead of calibrated: QAT export reuses, by tensor
// name, the parameters its training graph quantized with. Changes nothing in the model.

import { definePass, type Pass } from "../../passes/pass.js";
import type { Value } from "../../ir/value.js";
import type { QParams } from "../math.js";
import { required, type StaticQuantState } from "./static-state.js";

export function presetParamsPass(state: StaticQuantState, byName: ReadonlyMap<string, QParams>): Pass {
  return definePass("preset-params", (model) => {
    const plan = required(state.plan, "plan", "preset-params");
    const params = new Map<Value, QParams>();
    for (const v of plan.tensors.keys()) {
      const p = byName.get(v.name);
      if (!p) throw new Error(`preset-params: no parameters for planned tensor "${v.name}" (the plan differs from the one training used)`);
      params.set(v, p);
    }
    if (params.size !== byName.size) throw new Error(`preset-params: the plan has ${params.size} activation tensors, training quantized ${byName.size}`);
    state.params = params;
    state.calibration = { observer: "preset", samples: 0, runs: 0, ms: 0, tensors: params.size };
    return { model, modified: false };
  });
}
