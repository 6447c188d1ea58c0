import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng, streamSeed } from "./prng.js";

function moments(a: Float32Array): { mean: number; std: number } {
  let s = 0;
  let s2 = 0;
  for (const v of a) (s += v), (s2 += v * v);
  const mean = s / a.length;
  return { mean, std: Math.sqrt(s2 / a.length - mean * mean) };
}

test("the same seed gives the same stream, another seed another", () => {
  const a = Array.from({ length: 5 }, ((r) => () => r.nextUint32())(new Rng(7)));
  const b = Array.from({ length: 5 }, ((r) => () => r.nextUint32())(new Rng(7)));
  const c = Array.from({ length: 5 }, ((r) => () => r.nextUint32())(new Rng(8)));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test("stream seeds depend on both the seed and the label", () => {
  const s = streamSeed(0, "conv1.weight");
  assert.equal(s, streamSeed(0, "conv1.weight"));
  assert.notEqual(s, streamSeed(1, "conv1.weight"));
  assert.notEqual(s, streamSeed(0, "conv2.weight"));
  assert.notEqual(streamSeed(1, "x"), streamSeed(1 + 2 ** 32, "x"));
  assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 32);
});

test("next() is uniform in [0, 1)", () => {
  const r = new Rng(3);
  let sum = 0;
  for (let i = 0; i < 100_000; i++) {
    const u = r.next();
    assert.ok(u >= 0 && u < 1);
    sum += u;
  }
  assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.01);
});

test("fillNormal has the asked mean and standard deviation, and fills odd lengths", () => {
  const a = new Rng(11).fillNormal(new Float32Array(200_001), 1.5, 0.02);
  const { mean, std } = moments(a);
  assert.ok(Math.abs(mean - 1.5) < 0.001, `mean ${mean}`);
  assert.ok(Math.abs(std - 0.02) < 0.0005, `std ${std}`);
  assert.ok(a.every(Number.isFinite));
  assert.notEqual(a[a.length - 1], 0);
});

test("fillUniform stays within its bounds", () => {
  const a = new Rng(5).fillUniform(new Float32Array(100_000), 0.5, 1.5);
  assert.ok(a.every((v) => v >= 0.5 && v <= 1.5));
  assert.ok(Math.abs(moments(a).mean - 1) < 0.01);
});
