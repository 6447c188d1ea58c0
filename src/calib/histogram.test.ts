import { test } from "node:test";
import assert from "node:assert/strict";
import { Histogram, binHigh, binLow, zeroEdge } from "./histogram.js";
import { laplaceSamples, normalSamples, uniformSamples } from "./seeded-samples.js";

const f32 = (xs: number[]) => Float32Array.from(xs);
const occupied = (h: Histogram) => Array.from(h.view().counts);

test("bins of a small array, by hand", () => {
  // [0, 3] in 4 bins: width 1 (0.5 would need bins up to floor(3/0.5) = 6).
  const h = new Histogram(4);
  h.add(f32([0, 1, 2, 3]));
  assert.equal(h.width, 1);
  assert.equal(h.start, 0);
  assert.deepEqual(occupied(h), [1, 1, 1, 1]);

  // [-1, 1.75]: width 0.5 needs indices -2..3 (6 bins > 4), width 1 needs -1..1.
  const g = new Histogram(4);
  g.add(f32([0.5, 1.5, 1.75, -1]));
  assert.equal(g.width, 1);
  assert.equal(g.start, -1);
  assert.deepEqual(occupied(g), [1, 1, 2]); // [-1,0) [0,1) [1,2)
  assert.equal(g.finite, 4);
  assert.equal(g.min, -1);
  assert.equal(g.max, 1.75);
});

test("the range grows by doubling the width; old bins map exactly onto new ones", () => {
  const h = new Histogram(4);
  h.add(f32([0.5, 1.5, 1.75, -1]));
  h.add(f32([7])); // [-1, 7]: width 2 needs indices -1..3 (5 bins), width 4 needs -1..1
  assert.equal(h.width, 4);
  assert.equal(h.start, -4);
  assert.deepEqual(occupied(h), [1, 3, 1]); // [-4,0) [0,4) [4,8)
  h.add(f32([-9])); // width 4 now needs -3..1 (5 bins): width 8, -2..0
  assert.equal(h.width, 8);
  assert.deepEqual(occupied(h), [1, 1, 4]); // [-16,-8) [-8,0) [0,8)
  const once = new Histogram(4);
  once.add(f32([0.5, 1.5, 1.75, -1, 7, -9]));
  assert.deepEqual(h.toJSON(), once.toJSON());
});

test("growth on one side shifts the window without coarsening while it still fits", () => {
  const h = new Histogram(8);
  h.add(f32([0, 1, 2, 3, 4])); // width 1 (0.5 needs 9 bins)
  h.add(f32([-3]));
  assert.equal(h.width, 1);
  assert.equal(h.start, -3);
  assert.deepEqual(occupied(h), [1, 0, 0, 1, 1, 1, 1, 1]);
});

test("merge is exact: A then B == A in one, B in another, merged == all at once, in any split", () => {
  const data = Float32Array.from([...normalSamples(5000, 0.1, 3), ...laplaceSamples(5000, 2, 4), ...uniformSamples(500, 30, 31, 5)]);
  const whole = new Histogram(256);
  whole.add(data);
  for (const cuts of [[1], [2500], [5000, 10000], [10, 20, 9000, 10400]]) {
    const parts = [0, ...cuts, data.length].slice(1).map((end, i, ends) => data.subarray(i === 0 ? 0 : ends[i - 1], end));
    const sequential = new Histogram(256);
    for (const p of parts) sequential.add(p);
    const merged = new Histogram(256);
    const reversed = new Histogram(256);
    for (const p of parts) {
      const h = new Histogram(256);
      h.add(p);
      merged.merge(h);
    }
    for (const p of [...parts].reverse()) {
      const h = new Histogram(256);
      h.add(p);
      reversed.merge(h);
    }
    assert.deepEqual(sequential.toJSON(), whole.toJSON());
    assert.deepEqual(merged.toJSON(), whole.toJSON());
    assert.deepEqual(reversed.toJSON(), whole.toJSON());
  }
  assert.equal(whole.finite, data.length);
  assert.equal(whole.view().counts.reduce((a, b) => a + b), data.length);
  assert.ok(whole.used > 128 && whole.used <= 256); // power-of-two widths use between half and all bins
});

test("merging with an empty histogram, and mismatched bin counts", () => {
  const a = new Histogram(16);
  a.add(f32([1, 2, 3]));
  const before = a.toJSON();
  a.merge(new Histogram(16));
  assert.deepEqual(a.toJSON(), before);
  const b = new Histogram(16);
  b.merge(a);
  assert.deepEqual(b.toJSON(), before);
  assert.throws(() => a.merge(new Histogram(32)), /16 and 32 bins/);
});

test("NaN is ignored and counted, ±Infinity counted separately, never widening the range", () => {
  const h = new Histogram(8);
  h.add(f32([NaN, 1, Infinity, 2, -Infinity, NaN, -Infinity]));
  assert.deepEqual({ ...h.nonFinite }, { nan: 2, posInf: 1, negInf: 2 });
  assert.equal(h.finite, 2);
  assert.equal(h.min, 1);
  assert.equal(h.max, 2);
  assert.equal(h.view().counts.reduce((a, b) => a + b), 2);
  h.add(f32([NaN, NaN])); // nothing finite: grid untouched
  assert.equal(h.finite, 2);
  assert.equal(h.nonFinite.nan, 4);
  const merged = new Histogram(8);
  merged.merge(h);
  assert.deepEqual({ ...merged.nonFinite }, { nan: 4, posInf: 1, negInf: 2 });
});

test("all-zero and constant tensors take one bin; later data widens exactly", () => {
  const z = new Histogram();
  z.add(new Float32Array(1000));
  assert.equal(z.used, 1);
  assert.equal(z.count(0), 1000);
  assert.deepEqual(z.view(), { counts: Float64Array.of(1000), start: 0, width: 2 ** -149, min: 0, max: 0, total: 1000 });
  z.add(f32([1]));
  const once = new Histogram();
  once.add(Float32Array.from([...new Float32Array(1000), 1]));
  assert.deepEqual(z.toJSON(), once.toJSON());

  const c = new Histogram();
  c.add(new Float32Array(10).fill(3.7));
  assert.equal(c.used, 1);
  assert.equal(c.width, 2 ** -22); // one float32 ulp at 3.7: finer bins would be pointless
  const v = c.view();
  assert.equal(binLow(v, 0), Math.fround(3.7)); // edges clipped to the exact extremes
  assert.equal(binHigh(v, 0), Math.fround(3.7));
});

test("negative zero and subnormals", () => {
  const h = new Histogram(4);
  h.add(f32([-0, 0, 2 ** -149, -(2 ** -149)]));
  assert.equal(h.width, 2 ** -149);
  assert.deepEqual(occupied(h), [1, 2, 1]);
});

test("absView folds the signed grid onto |x| exactly", () => {
  const h = new Histogram(8);
  h.add(f32([-2.5, -0.5, 0.25, 1.5, 3])); // width 1, bins [-3,-2) .. [3,4)
  assert.deepEqual(occupied(h), [1, 0, 1, 1, 1, 0, 1]);
  const a = h.absView();
  // |x| bins [0,1): 0.5, 0.25; [1,2): 1.5; [2,3): 2.5; [3,4): 3
  assert.deepEqual(Array.from(a.counts), [2, 1, 1, 1]);
  assert.deepEqual([a.start, a.width, a.min, a.max, a.total], [0, 1, 0, 3, 5]);

  const neg = new Histogram(8);
  neg.add(f32([-5, -4.5, -6])); // all negative: |x| in [4.5, 6]
  const n = neg.absView();
  assert.equal(n.min, 4.5);
  assert.equal(n.max, 6);
  assert.equal(n.counts.reduce((x, y) => x + y), 3);
  assert.equal(binLow(n, 0), 4.5);
  assert.equal(binHigh(n, n.counts.length - 1), 6);
  assert.ok(n.start > 0); // only the occupied |x| bins, not everything from 0
  assert.equal(zeroEdge(n), -n.start / n.width);
  assert.ok(Number.isInteger(zeroEdge(n)));
});

test("JSON round-trip, and tampered JSON is rejected", () => {
  const h = new Histogram(64);
  h.add(f32([NaN, -Infinity, ...laplaceSamples(1000, 1, 9)]));
  const json = JSON.parse(JSON.stringify(h));
  const back = Histogram.fromJSON(json);
  assert.deepEqual(back.toJSON(), h.toJSON());
  assert.deepEqual(back.view(), h.view());
  const extra = new Histogram(64);
  extra.add(f32([7]));
  back.merge(extra);
  h.merge(extra);
  assert.deepEqual(back.toJSON(), h.toJSON());

  const empty = Histogram.fromJSON(JSON.parse(JSON.stringify(new Histogram(8))));
  assert.equal(empty.finite, 0);
  assert.equal(empty.min, Infinity);

  assert.throws(() => Histogram.fromJSON({ ...json, offset: json.offset + 1 }), /offset/);
  assert.throws(() => Histogram.fromJSON({ ...json, exp: json.exp + 1 }), /invalid histogram JSON/);
  assert.throws(() => Histogram.fromJSON({ ...json, counts: [-1] }), /counts/);
  assert.throws(() => Histogram.fromJSON(null), /not an object/);
});

test("constructor rejects bad bin counts", () => {
  assert.throws(() => new Histogram(1), RangeError);
  assert.throws(() => new Histogram(10.5), RangeError);
});
