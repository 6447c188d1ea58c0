import { test } from "node:test";
import assert from "node:assert/strict";
import { EntropyObserver, KlDivergence, entropyRange, entropyThreshold } from "./entropy.js";
import { Histogram } from "./histogram.js";
import { normalSamples, uniformSamples } from "./seeded-samples.js";

const close = (actual: number, expected: number, tol = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);

test("KL divergence of candidate clippings, by hand", () => {
  const kl = new KlDivergence(Float64Array.of(1, 1, 2, 0));
  // Keep all, 2 levels of 2 bins: Q spreads 2 over bins 0-1 and 2 over bin 2 (the only nonzero
  // bin of level 1), so Q = P.
  close(kl.divergence(0, 4, 0, 4, 2), 0);
  // Keep bins 0-1, 1 bin per level: P = [1, 1+2] / 4, Q = [1, 1] / 2.
  close(kl.divergence(0, 2, 0, 2, 2), 0.25 * Math.log(0.25 / 0.5) + 0.75 * Math.log(0.75 / 0.5));
  // Keep all, one level: Q = 4/3 on each nonzero bin.
  close(kl.divergence(0, 4, 0, 4, 1), 2 * 0.25 * Math.log(0.75) + 0.5 * Math.log(1.5));
  // Clip below too: keep bins 1-2, P = [1+1, 2] / 4, Q = [1, 2] / 3.
  close(kl.divergence(1, 3, 1, 3, 2), 0.5 * Math.log(0.5 / (1 / 3)) + 0.5 * Math.log(0.5 / (2 / 3)));
});

test("a clipped edge bin with no data of its own gets a smoothed count", () => {
  const kl = new KlDivergence(Float64Array.of(4, 0, 0, 0, 1));
  // P = [4, 1] / 5; Q = [4, 1e-4] / 4 (empty level smoothed).
  close(kl.divergence(0, 2, 0, 2, 2), 0.8 * Math.log(0.8 / 1) + 0.2 * Math.log(0.2 / (1e-4 / 4)), 1e-9);
});

test("uniform data keeps its full range; a long tail is clipped", () => {
  const lin = Float32Array.from({ length: 100001 }, (_, i) => -1 + i / 50000);
  const u = new EntropyObserver({ symmetric: true });
  u.observe(lin);
  assert.deepEqual(u.range(), { min: -1, max: 1 });
  const uAsym = u.range({ symmetric: false });
  close(uAsym.min, -1, u.histogram.width);
  close(uAsym.max, 1, u.histogram.width);

  const random = new EntropyObserver();
  random.observe(uniformSamples(200000, -1, 1, 5));
  assert.ok(random.range({ symmetric: true }).max > 0.98);

  const tail = new EntropyObserver({ symmetric: true });
  tail.observe(normalSamples(100000, 1, 2));
  tail.observe(Float32Array.of(100, -80, 60));
  const t = tail.range().max;
  assert.ok(t < 25, `threshold ${t} should clip the outliers (max 100)`);
  assert.ok(t > 4, `threshold ${t} should keep the Gaussian body`);
  const a = tail.range({ symmetric: false });
  assert.ok(a.max < 25 && a.max > 4, `upper edge ${a.max}`);
  assert.ok(a.min > -80, `lower edge ${a.min} should clip -80`);
});

test("fewer occupied bins than levels: nothing to gain from clipping", () => {
  const h = new Histogram(64);
  h.add(Float32Array.of(0, 1, 2, 3, 50));
  assert.equal(entropyThreshold(h.absView(), 256), 50);
  assert.deepEqual(entropyRange(h.view(), 256), { min: 0, max: 50 });
});

test("one-sided data: the lower edge stays at the minimum (zero is always in range)", () => {
  const o = new EntropyObserver();
  o.observe(normalSamples(50000, 1, 3).map((v) => Math.abs(v) + 0.5));
  o.observe(Float32Array.of(200));
  const r = o.range({ symmetric: false });
  assert.equal(r.min, o.histogram.min);
  assert.ok(r.max < 200);
});

test("constant, all-zero and empty inputs", () => {
  const o = new EntropyObserver();
  assert.deepEqual(o.range(), { min: 0, max: 0 });
  o.observe(new Float32Array(100));
  assert.deepEqual(o.range(), { min: 0, max: 0 });
  const c = new EntropyObserver();
  c.observe(new Float32Array(100).fill(3.5));
  assert.deepEqual(c.range(), { min: 3.5, max: 3.5 });
  assert.deepEqual(c.range({ symmetric: true }), { min: -3.5, max: 3.5 });
});
