// What calibration costs compared with plain fp32 inference over the same samples, measured in
// one process, alternating the two: one warm-up round of each (JIT, first allocations), then the
// median of five rounds.

import type { Model } from "../src/ir/model.js";
import type { Dataset } from "../src/data/dataset.js";
import { prepareFloat } from "../src/quant/static.js";
import { planStatic } from "../src/quant/plan.js";
import { staticConfig } from "../src/quant/config.js";
import { calibrate } from "../src/quant/calibrate.js";
import { openSession } from "../src/runtime/session.js";
import { batches } from "../src/data/batches.js";
import { bindInputs } from "../src/data/bind-inputs.js";
import { conformFeeds } from "../src/evaluate/conform.js";
import { quantile } from "../src/evaluate/latency.js";
import type { ObserverKind } from "../src/calib/index.js";
import { cloneModel } from "../src/ir/serde/clone-model.js";

export async function calibrationCost(float: Model, ds: Dataset, samples: number, observer: ObserverKind = "minmax"): Promise<{ calibrationMs: number; inferenceMs: number; ratio: number }> {
  const model = cloneModel(float);
  await prepareFloat(model);
  const plan = planStatic(model, staticConfig());
  const tensors = [...new Set([...plan.tensors.values()].filter((t) => !t.shareWith).map((t) => t.rangeOf))];
  const inputs = model.graph.inputs.filter((v) => !v.initializer);
  const fixed = inputs[0]?.shape?.[0];
  const batchSize = typeof fixed === "number" && fixed > 0 ? fixed : 16;
  const cal: number[] = [];
  const inf: number[] = [];
  for (let round = -1; round < 5; round++) {
    const t0 = performance.now();
    await calibrate(model, tensors, ds, { observer, samples, batchSize, symmetric: false });
    if (round >= 0) cal.push(performance.now() - t0);
    const t1 = performance.now();
    const session = await openSession(model);
    const bind = bindInputs(ds, inputs.map((v) => v.name));
    for await (const b of batches(ds, batchSize, { limit: samples })) await session.run(conformFeeds(bind(b.inputs), inputs, batchSize, typeof fixed === "number"));
    await session.release();
    if (round >= 0) inf.push(performance.now() - t1);
  }
  const calibrationMs = quantile(cal.sort((a, b) => a - b), 0.5);
  const inferenceMs = quantile(inf.sort((a, b) => a - b), 0.5);
  return { calibrationMs, inferenceMs, ratio: calibrationMs / inferenceMs };
}
