import { test } from "node:test";
import assert from "node:assert/strict";
import type { Binned } from "./histogram.js";
import { PercentileObserver, quantile } from "./percentile.js";
import { uniformSamples } from "./seeded-samples.js";

const approx = (actual: number, expected: number, tol: number) =>
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected} ± ${tol}, got ${actual}`);

test("quantile interpolates uniformly within a bin, by hand", () => {
  const b: Binned = { counts: Float64Array.of(2, 0, 2), start: 0, width: 1, min: 0, max: 3, total: 4 };
  assert.equal(quantile(b, 0), 0);
  assert.equal(quantile(b, 0.5), 1); // both values of [0,1) lie below
  assert.equal(quantile(b, 0.75), 2.5); // halfway through [2,3)
  assert.equal(quantile(b, 1), 3);
  // Edge bins are clipped to the exact extremes: [0.5, 1) and [2, 2.25].
  const clipped: Binned = { ...b, min: 0.5, max: 2.25 };
  assert.equal(quantile(clipped, 0.25), 0.75);
  assert.equal(quantile(clipped, 1), 2.25);
});

test("values 1..10000: the 99.99th percentile, hand-computed from the histogram", () => {
  const o = new PercentileObserver({ percentile: 99.99 });
  o.observe(Float32Array.from({ length: 10000 }, (_, i) => i + 1));
  // Span 9999 over 2048 bins: width 8; bin 0 = [0, 8) holds 1..7 (clipped to [1, 8)), bin k holds
  // 8k..8k+7. 99.99% of 10000 is 9999 values: exactly bins 0..1249, whose top edge is 10000.
  // 0.01% is 1 value: 1/7 of the way through [1, 8), i.e. 2. (NumPy's sample percentiles are
  // 9999.0001 and 1.9999: the histogram is off by under one bin width.)
  assert.equal(o.histogram.width, 8);
  const r = o.range({ symmetric: false });
  approx(r.max, 10000, 1e-9);
  approx(r.min, 2, 1e-9);
  approx(o.range({ symmetric: true }).max, 10000, 1e-9); // |x| = x here
  assert.deepEqual(o.range(), r); // symmetric defaults to false
});

test("symmetric ranges take the percentile of |x|", () => {
  const o = new PercentileObserver({ percentile: 99.99, symmetric: true });
  o.observe(Float32Array.from({ length: 20000 }, (_, i) => (i < 10000 ? -(i + 1) : i - 9999)));
  const r = o.range();
  assert.equal(r.min, -r.max);
  approx(r.max, 9999, o.histogram.width); // 99.99% of 20000 magnitudes, within one bin
});

test("percentile of a uniform sample and of a long tail", () => {
  const o = new PercentileObserver({ percentile: 99 });
  o.observe(uniformSamples(100000, 0, 1, 11));
  const r = o.range({ symmetric: false });
  approx(r.max, 0.99, 0.003);
  approx(r.min, 0.01, 0.003);
  o.observe(Float32Array.of(1000)); // one outlier moves the max, not the 99th percentile
  approx(o.range({ symmetric: false }).max, 0.99, o.histogram.width + 0.003);
});

test("100th percentile is the exact min/max; constant and empty inputs", () => {
  const o = new PercentileObserver({ percentile: 100 });
  o.observe(Float32Array.of(-3, 0.5, 7));
  assert.deepEqual(o.range({ symmetric: false }), { min: -3, max: 7 });
  assert.deepEqual(o.range({ symmetric: true }), { min: -7, max: 7 });
  const c = new PercentileObserver();
  assert.deepEqual(c.range(), { min: 0, max: 0 });
  c.observe(new Float32Array(5).fill(-2.5));
  assert.deepEqual(c.range(), { min: -2.5, max: -2.5 });
  assert.deepEqual(c.range({ symmetric: true }), { min: -2.5, max: 2.5 });
});
