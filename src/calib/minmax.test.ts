import { test } from "node:test";
import assert from "node:assert/strict";
import { MinMaxObserver } from "./minmax.js";

test("running min/max from values and from precomputed batch extremes", () => {
  const o = new MinMaxObserver();
  assert.deepEqual(o.range(), { min: 0, max: 0 }); // nothing seen
  o.observe(Float32Array.of(0.5, -1.5, 2));
  o.observeMinMax(-0.25, 3); // e.g. ReduceMin/ReduceMax from ONNX Runtime
  assert.deepEqual(o.range(), { min: -1.5, max: 3 });
  assert.deepEqual(o.range({ symmetric: true }), { min: -3, max: 3 });
  assert.deepEqual(new MinMaxObserver({ symmetric: true }).range(), { min: 0, max: 0 });
});

test("NaN and ±Infinity never reach the range", () => {
  const o = new MinMaxObserver();
  o.observe(Float32Array.of(NaN, Infinity, 1, -Infinity, 4));
  o.observe(Float32Array.of(NaN));
  o.observeMinMax(NaN, Infinity); // what ReduceMin/Max give for such a batch
  assert.deepEqual(o.range(), { min: 1, max: 4 });
  assert.deepEqual({ ...o.nonFinite }, { nan: 2, posInf: 1, negInf: 1 });
  const half = new MinMaxObserver();
  half.observeMinMax(-Infinity, 5); // only the max is usable
  assert.deepEqual(half.range(), { min: 5, max: 5 });
});

test("merge equals observing everything in one observer; JSON round-trip", () => {
  const a = new MinMaxObserver();
  const b = new MinMaxObserver();
  const all = new MinMaxObserver();
  a.observe(Float32Array.of(1, 2, NaN));
  b.observe(Float32Array.of(-7, 0.5));
  all.observe(Float32Array.of(1, 2, NaN));
  all.observe(Float32Array.of(-7, 0.5));
  a.merge(b);
  assert.deepEqual(a.toJSON(), all.toJSON());
  const back = MinMaxObserver.fromJSON(JSON.parse(JSON.stringify(a)));
  assert.deepEqual(back.toJSON(), a.toJSON());
  assert.deepEqual(back.range(), { min: -7, max: 2 });
  const empty = MinMaxObserver.fromJSON(JSON.parse(JSON.stringify(new MinMaxObserver())));
  assert.deepEqual(empty.range(), { min: 0, max: 0 });
});
