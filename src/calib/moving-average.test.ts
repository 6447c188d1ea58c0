import { test } from "node:test";
import assert from "node:assert/strict";
import { Ema } from "./ema.js";
import { MovingAverageObserver } from "./moving-average.js";

const close = (actual: number, expected: number, tol = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);

test("moving average of batch extremes, by hand (torch.ao's update rule)", () => {
  const o = new MovingAverageObserver(); // constant 0.01
  o.observeMinMax(0, 10); // the first batch initializes: [0, 10]
  o.observeMinMax(-2, 12); // min 0 + 0.01 * (-2 - 0) = -0.02; max 10 + 0.01 * (12 - 10) = 10.02
  close(o.range().min, -0.02);
  close(o.range().max, 10.02);
  o.observe(Float32Array.of(1, NaN, 20, Infinity)); // batch [1, 20]: -0.02 + 0.01 * 1.02, 10.02 + 0.01 * 9.98
  close(o.range().min, -0.0098);
  close(o.range().max, 10.1198);
  close(o.range({ symmetric: true }).max, 10.1198);

  const half = new MovingAverageObserver({ averagingConstant: 0.5 });
  for (const [mn, mx] of [[1, 4], [3, 8], [-1, 6]]) half.observeMinMax(mn!, mx!);
  // min: 1 -> 2 -> 0.5; max: 4 -> 6 -> 6
  assert.deepEqual(half.range(), { min: 0.5, max: 6 });
});

test("batches without finite values do not count; bounds average separately", () => {
  const o = new MovingAverageObserver({ averagingConstant: 0.5 });
  o.observe(Float32Array.of(NaN, NaN));
  assert.deepEqual(o.range(), { min: 0, max: 0 });
  o.observeMinMax(2, NaN);
  o.observeMinMax(4, 10);
  assert.deepEqual(o.batches, { min: 2, max: 1 });
  assert.deepEqual(o.range(), { min: 3, max: 10 });
  assert.equal(o.nonFinite.nan, 2);
});

test("merge appends: equal to one observer that saw A's batches, then B's", () => {
  const batches = [[0.3, 2], [-1, 5], [0.1, 1], [-4, 9], [2, 3], [-0.5, 0.7], [1, 11]] as const;
  for (const cut of [0, 1, 3, 7]) {
    const seq = new MovingAverageObserver({ averagingConstant: 0.1 });
    const a = new MovingAverageObserver({ averagingConstant: 0.1 });
    const b = new MovingAverageObserver({ averagingConstant: 0.1 });
    batches.forEach(([mn, mx], i) => {
      seq.observeMinMax(mn, mx);
      (i < cut ? a : b).observeMinMax(mn, mx);
    });
    a.merge(b);
    close(a.range().min, seq.range().min);
    close(a.range().max, seq.range().max);
    assert.deepEqual(a.batches, seq.batches);
  }
  const mismatch = new MovingAverageObserver({ averagingConstant: 0.2 });
  mismatch.observeMinMax(0, 1);
  const other = new MovingAverageObserver({ averagingConstant: 0.1 });
  assert.throws(() => other.merge(mismatch), /constants/);
});

test("Ema.append is associative", () => {
  const xs = [5, 1, 7, 2, 2, 9, 4, 0];
  const parts = [xs.slice(0, 2), xs.slice(2, 5), xs.slice(5)].map((p) => {
    const e = new Ema(0.3);
    p.forEach((x) => e.push(x));
    return e;
  });
  const left = new Ema(0.3);
  left.append(parts[0]!);
  left.append(parts[1]!);
  left.append(parts[2]!);
  const right = new Ema(0.3);
  const bc = new Ema(0.3);
  bc.append(parts[1]!);
  bc.append(parts[2]!);
  right.append(parts[0]!);
  right.append(bc);
  close(left.value, right.value);
});

test("JSON round-trip keeps merging exact", () => {
  const o = new MovingAverageObserver({ averagingConstant: 0.25, symmetric: true });
  o.observe(Float32Array.of(-3, 2, NaN));
  o.observeMinMax(-1, 4);
  const back = MovingAverageObserver.fromJSON(JSON.parse(JSON.stringify(o)));
  assert.deepEqual(back.toJSON(), o.toJSON());
  const more = new MovingAverageObserver({ averagingConstant: 0.25 });
  more.observeMinMax(-6, 1);
  more.observeMinMax(0, 2);
  back.merge(more);
  o.merge(more);
  assert.deepEqual(back.range(), o.range());
  assert.equal(back.range().min, -back.range().max); // symmetric by default
});
