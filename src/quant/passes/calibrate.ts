// Runs the representative data through the float model and turns the observed ranges into the
// scale and zero point of every planned activation; changes nothing in the model.

import type { Value } from "../../ir/value.js";
import type { Dataset } from "../../data/dataset.js";
import { definePass, type Pass } from "../../passes/pass.js";
import { calibrate, type CalibrationOptions } from "../calibrate.js";
import { activationParams, type Range } from "../params.js";
import { required, type StaticQuantState } from "./static-state.js";

export function calibratePass(state: StaticQuantState, data: Dataset, options: CalibrationOptions): Pass {
  return definePass("calibrate", async (model) => {
    const plan = required(state.plan, "plan", "calibrate");
    const observed = [...new Set([...plan.tensors.values()].filter((t) => !t.shareWith).map((t) => t.rangeOf))];
    const cal = await calibrate(model, observed, data, options);
    state.params = activationParams(plan, cal.ranges as ReadonlyMap<Value, Range>, state.config);
    state.calibration = { observer: options.observer, samples: cal.samples, runs: cal.runs, ms: cal.ms, tensors: observed.length };
    return { model, modified: false };
  });
}
