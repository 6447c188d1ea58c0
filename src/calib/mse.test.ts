import { test } from "node:test";
import assert from "node:assert/strict";
import type { Binned } from "./histogram.js";
import { MseObserver, mseRange, mseThreshold } from "./mse.js";
import { laplaceSamples, uniformSamples } from "./seeded-samples.js";

test("symmetric threshold by hand", () => {
  // |x|: 10 values in [0,1), 1 in [3,4). levels 4: step t/1 (floor(3/2) = 1 step per side).
  //   t=1: 10*1/12 + (3.5-1)^2 + 1/12 = 7.17    t=2: 10*4/12 + (3.5-2)^2 + 1/12 = 5.67
  //   t=3: 10*9/12 + (3.5-3)^2 + 1/12 = 7.83    t=4: 11*16/12 = 14.67
  const abs: Binned = { counts: Float64Array.of(10, 0, 0, 1), start: 0, width: 1, min: 0, max: 4, total: 11 };
  assert.equal(mseThreshold(abs, 4), 2);
  // With 256 levels rounding is cheap: keep everything.
  assert.equal(mseThreshold(abs, 256), 4);
});

test("asymmetric range by hand", () => {
  // Bins [-2,-1) .. [2,3) hold 1 | 0 | 8 | 8 | 1; levels 4 (3 steps); zero stays in range, so the
  // lower edge is one of -2, -1, 0. Per candidate: inside count * d^2 / 12 + clipped mass, each
  // clipped bin contributing (center - edge)^2 + 1/12:
  //   [-2, 3]: d = 5/3, 18 * d^2 / 12                        = 4.17
  //   [-2, 2]: d = 4/3, 17 * d^2 / 12 + (2.5 - 2)^2 + 1/12   = 2.52 + 0.33 = 2.85
  //   [-1, 2]: d = 1,   16 / 12 + 2 * (0.5^2 + 1/12)         = 1.33 + 0.67 = 2.00  <- least
  //   [ 0, 2]: d = 2/3, 16 * d^2 / 12 + (1.5^2 + 1/12) + 0.33 = 0.59 + 2.33 + 0.33 = 3.26
  //   [-1, 1]: d = 2/3, 8 * d^2 / 12 + 0.33 + 8 * 0.33 + (1.5^2 + 1/12) = 5.63 (the rest are worse)
  const v: Binned = { counts: Float64Array.of(1, 0, 8, 8, 1), start: -2, width: 1, min: -2, max: 3, total: 18 };
  assert.deepEqual(mseRange(v, 4), { min: -1, max: 2 });
});

test("mse keeps a uniform distribution and clips Laplace tails", () => {
  const uniform = new MseObserver({ symmetric: true });
  uniform.observe(uniformSamples(200000, -1, 1, 21));
  const u = uniform.range().max;
  assert.ok(u > 0.99 && u <= 1, `uniform threshold ${u}`);
  const uAsym = uniform.range({ symmetric: false });
  assert.ok(uAsym.min < -0.99 && uAsym.max > 0.99);

  const laplace = new MseObserver({ symmetric: true });
  laplace.observe(laplaceSamples(200000, 1, 22));
  const max = laplace.histogram.absView().max; // about ln(200000) = 12.2
  const t = laplace.range().max;
  assert.ok(t < 0.9 * max, `laplace threshold ${t} vs max ${max}`);
  // Banner et al. (ACIQ, 2019): the MSE-optimal 8-bit clip of Laplace(b) is about 9.89 b.
  assert.ok(Math.abs(t - 9.89) < 0.6, `threshold ${t}, expected about 9.89`);
  const a = laplace.range({ symmetric: false });
  assert.ok(a.min > laplace.histogram.min * 0.9 && a.max < laplace.histogram.max * 0.9, `range [${a.min}, ${a.max}]`);
});

test("more levels, less clipping: int16 keeps the Laplace tails", () => {
  const o = new MseObserver({ symmetric: true, levels: 65536 });
  o.observe(laplaceSamples(200000, 1, 22));
  const max = o.histogram.absView().max;
  assert.ok(o.range().max > 0.99 * max);
});

test("one-sided data keeps its minimum; constant and empty inputs", () => {
  const o = new MseObserver();
  o.observe(laplaceSamples(100000, 1, 4).map((v) => Math.abs(v) + 1));
  const r = o.range();
  assert.equal(r.min, o.histogram.min);
  assert.ok(r.max < o.histogram.max);
  const c = new MseObserver();
  assert.deepEqual(c.range(), { min: 0, max: 0 });
  c.observe(new Float32Array(10).fill(-0.75));
  assert.deepEqual(c.range(), { min: -0.75, max: -0.75 });
  assert.deepEqual(c.range({ symmetric: true }), { min: -0.75, max: 0.75 });
});
