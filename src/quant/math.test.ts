import { test } from "node:test";
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
