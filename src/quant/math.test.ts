import { test } from "node:test";
import { QuantaError } from "../errors.js";
import assert from "node:assert/strict";
import { qparamsFromRange, roundHalfEven, quantizeValues, dequantizeValues, quantizeWeights, quantizeBias } from "./math.js";

test("round half to even", () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001, -3.7].map(roundHalfEven), [0, 2, 2, -0, -2, -2, 2, 3, -4]);
});

test("asymmetric uint8 parameters map min and max onto 0 and 255", () => {
  const p = qparamsFromRange(-1, 3, { qtype: "uint8", symmetric: false });
  assert.equal(p.scale, Math.fround(4 / 255));
  assert.equal(p.zeroPoint, 64); // round(0 - (-1) / (4/255)) = round(63.75)
  const q = quantizeValues([-1, 0, 3, 10, -10], p, "uint8");
  assert.deepEqual([...q], [0, 64, 255, 255, 0]); // saturation at both ends
  // the real zero is exactly representable
  assert.equal(dequantizeValues([p.zeroPoint], p)[0], 0);
});

test("ranges are widened to include zero; relu-like ranges give the minimum zero point", () => {
  const p = qparamsFromRange(0.5, 6, { qtype: "uint8", symmetric: false });
  assert.equal(p.zeroPoint, 0);
  assert.equal(p.scale, Math.fround(6 / 255));
  const s = qparamsFromRange(0, 6, { qtype: "int8", symmetric: false });
  assert.equal(s.zeroPoint, -128);
});

test("symmetric int8 uses zero point 0 and absmax/127", () => {
  const p = qparamsFromRange(-0.5, 2.54, { qtype: "int8", symmetric: true });
  assert.equal(p.zeroPoint, 0);
  assert.equal(p.scale, Math.fround(2.54 / 127));
  assert.deepEqual([...quantizeValues([2.54, -2.54, 0.009, 0.011], p, "int8")], [127, -127, 0, 1]);
  const u = qparamsFromRange(-1, 1, { qtype: "uint8", symmetric: true });
  assert.equal(u.zeroPoint, 128);
});

test("quantize/dequantize error is at most half a step inside the range (float64 reference)", () => {
  const p = qparamsFromRange(-3, 5, { qtype: "int8", symmetric: false });
  const xs = Array.from({ length: 1001 }, (_, i) => -3 + (8 * i) / 1000);
  const back = dequantizeValues(quantizeValues(xs, p, "int8"), p);
  for (let i = 0; i < xs.length; i++) assert.ok(Math.abs(back[i]! - xs[i]!) <= p.scale / 2 + 1e-12, `x=${xs[i]}`);
});

test("per-channel weights: one scale per output channel along the axis", () => {
  // [2 channels, 3] with very different ranges
  const w = [0.1, -0.2, 0.05, 10, -4, 2];
  const q = quantizeWeights(w, [2, 3], 0, { qtype: "int8", symmetric: true });
  assert.equal(q.params.length, 2);
  assert.equal(q.params[0]!.scale, Math.fround(0.2 / 127));
  assert.equal(q.params[1]!.scale, Math.fround(10 / 127));
  assert.deepEqual([...q.values], [roundHalfEven(0.1 / Math.fround(0.2 / 127)), -127, roundHalfEven(0.05 / Math.fround(0.2 / 127)), 127, roundHalfEven(-4 / Math.fround(10 / 127)), roundHalfEven(2 / Math.fround(10 / 127))]);
  // axis 1 of a [2,3] matrix (MatMul weight [K, N] quantized per column)
  const c = quantizeWeights(w, [2, 3], 1, { qtype: "int8", symmetric: true });
  assert.deepEqual(c.params.map((p) => p.scale), [10, 4, 2].map((m) => Math.fround(m / 127)));
  const t = quantizeWeights(w, [2, 3], null, { qtype: "int8", symmetric: true });
  assert.equal(t.params.length, 1);
  assert.equal(t.values[0], roundHalfEven(0.1 / Math.fround(10 / 127)));
});

test("int32 bias uses input scale × weight scale and zero point 0", () => {
  const b = quantizeBias([0.5, -1.25], 0.02, [0.01, 0.05])!;
  assert.deepEqual(b.scales, [Math.fround(0.0002), Math.fround(0.001)]);
  assert.deepEqual([...b.values], [roundHalfEven(0.5 / Math.fround(0.0002)), roundHalfEven(-1.25 / Math.fround(0.001))]);
  assert.equal(quantizeBias([1e9], 1e-6, [1e-6]), null, "overflow is reported, not wrapped");
});

/** Largest |q0|+|q1| over same-sign pairs within each slice along `axis` (null: the whole tensor). */
function worstPairOf(q: Int32Array, dims: number[], axis: number | null): number {
  const slices = new Map<number, number[]>();
  const inner = axis === null ? 1 : dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channels = axis === null ? 1 : dims[axis]!;
  q.forEach((v, i) => {
    const c = axis === null ? 0 : Math.floor(i / inner) % channels;
    slices.set(c, [...(slices.get(c) ?? []), v]);
  });
  let worst = 0;
  for (const vs of slices.values()) {
    const pos = vs.filter((v) => v > 0).sort((a, b) => b - a);
    const neg = vs.filter((v) => v < 0).map((v) => -v).sort((a, b) => b - a);
    worst = Math.max(worst, (pos[0] ?? 0) + (pos[1] ?? 0), (neg[0] ?? 0) + (neg[1] ?? 0));
  }
  return worst;
}

test("pair-limited weights: no two same-sign values of one output sum past the limit, on random tensors and rounding ties", () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  for (let trial = 0; trial < 200; trial++) {
    const dims = [3 + (trial % 5), 2 + (trial % 7)];
    const w = Float32Array.from({ length: dims[0]! * dims[1]! }, () => rnd() * (trial % 3 === 0 ? 10 : 0.1));
    // Rounding ties: values on half steps of the widened scale.
    if (trial % 4 === 1) for (let i = 0; i < w.length; i++) w[i] = (Math.round(w[i]! * 40) + 0.5) / 40;
    for (const axis of [0, 1, null] as const) {
      const outputAxis = axis ?? (trial % 2);
      const q = quantizeWeights(w, dims, axis, { qtype: "int8", symmetric: true, pairLimit: 128, outputAxis });
      assert.ok(worstPairOf(q.values, dims, axis ?? outputAxis) <= 128, `trial ${trial} axis ${axis}`);
      // Never coarser than needed: the scale is at most a hair above the bound it must meet.
      const plain = quantizeWeights(w, dims, axis, { qtype: "int8", symmetric: true });
      q.params.forEach((p, c) => assert.ok(p.scale >= plain.params[c]!.scale * 0.9999999));
    }
  }
});

test("pair-limited weights keep the 8-bit scale where pairs are small, widen it where they are not, and per tensor only as much as the worst output needs", () => {
  // Channel 0: one large weight, the rest tiny → 8-bit scale kept. Channel 1: two equal large weights → widened to 7 bits.
  const w = [1.27, 0.001, -0.001, 0.001, 1.0, 1.0, -0.2, 0.1];
  const q = quantizeWeights(w, [2, 4], 0, { qtype: "int8", symmetric: true, pairLimit: 128 });
  assert.equal(q.params[0]!.scale, Math.fround(1.27 / 127));
  assert.deepEqual([...q.values.slice(4, 6)], [64, 64]);
  // Per tensor, MatMul weight [K=2, N=2]: columns (0.9, 0.9) and (1.0, 0.1). Pairs within a column only.
  const m = [0.9, 1.0, 0.9, 0.1];
  const perOutput = quantizeWeights(m, [2, 2], null, { qtype: "int8", symmetric: true, pairLimit: 128, outputAxis: 1 });
  assert.equal(perOutput.params[0]!.scale, Math.fround(1.8 / 128));
  const whole = quantizeWeights(m, [2, 2], null, { qtype: "int8", symmetric: true, pairLimit: 128 });
  assert.equal(whole.params[0]!.scale, Math.fround(1.9 / 128));
});

test("a NaN or infinite weight is refused by name, not turned into a scale", () => {
  for (const [bad, axis] of [[NaN, null], [Infinity, 0], [-Infinity, 1]] as const) {
    assert.throws(
      () => quantizeWeights([0.5, -1, bad, 2], [2, 2], axis, { qtype: "int8", symmetric: true, name: "fc.weight" }),
      (e: Error) => e instanceof QuantaError && e.message.startsWith(`weight "fc.weight" holds ${bad} (element 2 of 4); only finite weights can be quantized`),
    );
  }
});

test("subnormal weights get a normal scale (was a scale of 0, then 'could not bound the weight pairs')", () => {
  const tiny = [1e-45, -1e-45, 2e-45, 0];
  for (const symmetric of [true, false]) {
    const p = qparamsFromRange(-1e-45, 2e-45, { qtype: "int8", symmetric });
    assert.equal(p.scale, 2 ** -126);
  }
  const q = quantizeWeights(tiny, [2, 2], null, { qtype: "int8", symmetric: true, pairLimit: 128, outputAxis: 1 });
  assert.deepEqual([...q.values], [0, 0, 0, 0]);
  assert.equal(q.params[0]!.scale, 2 ** -126);
});
