import { test } from "node:test";
import assert from "node:assert/strict";
import { QuantaError } from "../errors.js";
import { OBSERVER_KINDS, isObserverKind, type ObserverKind } from "./observer.js";
import { createObserver, observerFromJSON } from "./registry.js";
import { laplaceSamples, normalSamples } from "./seeded-samples.js";

const HISTOGRAM_KINDS: readonly ObserverKind[] = ["percentile", "entropy", "mse"];

test("every kind the CLI offers can be created", () => {
  assert.deepEqual([...OBSERVER_KINDS], ["minmax", "moving-average", "percentile", "entropy", "mse"]);
  for (const kind of OBSERVER_KINDS) {
    const o = createObserver(kind, { bins: 512, symmetric: true });
    assert.equal(o.kind, kind);
    assert.equal(o.needsValues, HISTOGRAM_KINDS.includes(kind));
    assert.deepEqual(o.range(), { min: 0, max: 0 }); // nothing observed yet
  }
  assert.equal(createObserver("percentile", { percentile: 99.9 }).percentile, 99.9);
  assert.equal(createObserver("mse", { levels: 65536 }).levels, 65536);
  assert.equal(createObserver("entropy").histogram.bins, 2048);
  assert.ok(isObserverKind("entropy"));
  assert.ok(!isObserverKind("kl"));
});

test("bad options and kinds are user errors", () => {
  for (const [kind, options] of [
    ["percentile", { percentile: 101 }],
    ["percentile", { percentile: 40 }],
    ["entropy", { bins: 3 }],
    ["mse", { levels: 2.5 }],
    ["moving-average", { averagingConstant: 0 }],
    ["minmax", { symmetric: "yes" as unknown as boolean }],
  ] as const) {
    assert.throws(() => createObserver(kind, options), QuantaError, `${kind} ${JSON.stringify(options)}`);
  }
  assert.throws(() => createObserver("kl" as ObserverKind), /unknown observer "kl"/);
  assert.throws(() => createObserver("entropy").observeMinMax(0, 1), QuantaError);
  assert.throws(() => createObserver("mse").merge(createObserver("entropy")), /cannot merge/);
  assert.throws(() => createObserver("minmax").merge(createObserver("moving-average")), /cannot merge/);
});

test("observe A then B == observe A in one, B in another, merge; for every kind", () => {
  const a = Float32Array.from([...normalSamples(20000, 1, 1), NaN]);
  const b = Float32Array.from([...laplaceSamples(20000, 2, 2), Infinity]);
  for (const kind of OBSERVER_KINDS) {
    const seq = createObserver(kind);
    seq.observe(a);
    seq.observe(b);
    const left = createObserver(kind);
    const right = createObserver(kind);
    left.observe(a);
    right.observe(b);
    left.merge(right);
    // Histograms and min/max merge exactly; moving averages up to rounding.
    if (kind === "moving-average") {
      for (const symmetric of [false, true]) {
        const [x, y] = [left.range({ symmetric }), seq.range({ symmetric })];
        assert.ok(Math.abs(x.min - y.min) < 1e-12 && Math.abs(x.max - y.max) < 1e-12, kind);
      }
    } else {
      assert.deepEqual(left.toJSON(), seq.toJSON(), kind);
      assert.deepEqual(left.range({ symmetric: false }), seq.range({ symmetric: false }), kind);
    }
    assert.deepEqual({ ...left.nonFinite }, { nan: 1, posInf: 1, negInf: 0 }, kind);
  }
});

test("JSON round-trip (as a worker would send it) for every kind", () => {
  const data = Float32Array.from([...laplaceSamples(30000, 1, 3), NaN, -Infinity]);
  for (const kind of OBSERVER_KINDS) {
    const o = createObserver(kind, { bins: 1024, levels: 128, percentile: 99.5, averagingConstant: 0.2 });
    o.observe(data.subarray(0, 15000));
    o.observe(data.subarray(15000));
    for (const wire of [JSON.parse(JSON.stringify(o)), structuredClone(o.toJSON())]) {
      const back = observerFromJSON(wire);
      assert.equal(back.kind, kind);
      assert.deepEqual(back.toJSON(), o.toJSON(), kind);
      for (const symmetric of [false, true]) assert.deepEqual(back.range({ symmetric }), o.range({ symmetric }), kind);
    }
  }
  assert.throws(() => observerFromJSON({ kind: "kl" }), /unknown kind "kl"/);
  assert.throws(() => observerFromJSON(null), /invalid observer JSON/);
  assert.throws(() => observerFromJSON({ kind: "entropy", symmetric: false, levels: 256, histogram: { bins: 2048, counts: "x" } }), /histogram/);
});

test("all-zero and constant tensors give a degenerate but finite range for every kind", () => {
  for (const kind of OBSERVER_KINDS) {
    const z = createObserver(kind);
    z.observe(new Float32Array(64));
    assert.deepEqual(z.range({ symmetric: false }), { min: 0, max: 0 }, kind);
    assert.deepEqual(z.range({ symmetric: true }), { min: 0, max: 0 }, kind);
    const c = createObserver(kind);
    c.observe(new Float32Array(64).fill(1.25));
    assert.deepEqual(c.range({ symmetric: false }), { min: 1.25, max: 1.25 }, kind);
    assert.deepEqual(c.range({ symmetric: true }), { min: -1.25, max: 1.25 }, kind);
  }
});
