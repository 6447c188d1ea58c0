import { test } from "node:test";
import assert from "node:assert/strict";
import { runOptimizer, assertClose } from "../testing/optimizer-harness.js";

const P0 = [[1, 2, 3], [-1, 0.5]];

// Plain SGD (lr 1) after clipping: the parameter change is exactly the clipped gradient.
test("global-norm clipping scales every gradient by min(1, maxNorm / norm)", async () => {
  const steps = [
    { lr: 1, grads: [[3, 0, 0], [0, 4]] }, // norm 5 > 2: scaled by 0.4
    { lr: 1, grads: [[0.3, 0, 0], [0, 0.4]] }, // norm 0.5 < 2: unchanged
    { lr: 1, grads: [[0, 0, 0], [0, 0]] }, // norm 0: unchanged, and no NaN
  ];
  const r = await runOptimizer({ kind: "sgd" }, P0, steps, { clipNorm: 2 });
  assertClose(r.norms, [5, 0.5, 0], 1e-6, "norms");
  let p = P0.map((x) => [...x]);
  steps.forEach((s, t) => {
    const norm = Math.hypot(...s.grads.flat());
    const scale = Math.min(1, 2 / norm);
    p = p.map((w, i) => w.map((x, k) => x - s.grads[i]![k]! * scale));
    r.params[t]!.forEach((w, i) => assertClose(w, p[i]!, 1e-6, `step ${t + 1} w${i}`));
  });
  assert.ok(r.params.flat(2).every(Number.isFinite));
});

test("clipping composes with AdamW (clipped gradients feed the moments)", async () => {
  const grads = [[30, 0, 0], [0, 40]];
  const clipped = await runOptimizer({ kind: "adamw", weightDecay: 0 }, P0, [{ lr: 0.1, grads }], { clipNorm: 1 });
  const scaled = await runOptimizer({ kind: "adamw", weightDecay: 0 }, P0, [{ lr: 0.1, grads: grads.map((g) => g.map((x) => x / 50)) }]);
  clipped.params[0]!.forEach((w, i) => assertClose(w, scaled.params[0]![i]!, 1e-6, `w${i}`));
});
