import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../../ir/builder.js";
import { DataType } from "../../ir/dtype.js";
import { Tensor } from "../../ir/tensor/tensor.js";
import { buildGradientGraph } from "../gradient-graph.js";
import { openSession } from "../../runtime/session.js";

// Fake quantization is piecewise constant, so finite differences say nothing: the straight-through
// gradient is checked against its definition, g where (qmin - zp) * s <= x <= (qmax - zp) * s, else 0.
async function steCase(opts: { qtype: DataType; scale: number[]; zp: number[]; axis?: number; x: number[]; dims: number[] }) {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, opts.dims);
  const scale = b.constant(opts.scale, opts.scale.length > 1 ? [opts.scale.length] : [], DataType.FLOAT, "scale");
  const zp = b.constant(opts.zp, opts.zp.length > 1 ? [opts.zp.length] : [], opts.qtype, "zp");
  const attrs = opts.axis !== undefined ? { axis: opts.axis } : {};
  const dq = b.op("DequantizeLinear", [b.op("QuantizeLinear", [x, scale, zp], attrs), scale, zp], attrs);
  const n = opts.x.length;
  const w = Array.from({ length: n }, (_, i) => 1 + i);
  b.output(b.op("ReduceSum", [b.op("Mul", [b.op("Mul", [dq, x]), b.constant(w, opts.dims)])], { keepdims: 0 }), "loss");
  const { model: gm } = buildGradientGraph(model, { loss: "loss", wrt: ["x"] });
  const s = await openSession(gm);
  const r = await s.run({ x: { type: "float32", dims: opts.dims, data: Float32Array.from(opts.x) }, }, ["x_grad"]);
  await s.release();
  return { grad: r.x_grad!.data as Float32Array, w };
}

function dequantized(x: number, s: number, zp: number, lo: number, hi: number): number {
  // Round half to even, as QuantizeLinear does, on the float32 quotient it computes.
  const v = Math.fround(Math.fround(x) / Math.fround(s));
  const r = Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v);
  return (Math.min(hi, Math.max(lo, r + zp)) - zp) * s;
}

test("QuantizeLinear -> DequantizeLinear: straight-through inside the int8 range, zero where it saturates", async () => {
  // scale 0.1, zp 3: representable range [(-128 - 3) * 0.1, (127 - 3) * 0.1] = [-13.1, 12.4].
  const x = [-20, -13.2, -13.05, -5, 0, 0.37, 12.33, 12.5, 30, 1];
  const { grad, w } = await steCase({ qtype: DataType.INT8, scale: [0.1], zp: [3], x, dims: [10] });
  x.forEach((v, i) => {
    const inside = v >= -13.1 && v <= 12.4;
    // loss = sum(w * dq(x) * x): d/dx = w * (ste(x) * x + dq(x)), ste = 1 inside, 0 outside.
    const expected = w[i]! * ((inside ? v : 0) + dequantized(v, 0.1, 3, -128, 127));
    assert.ok(Math.abs(grad[i]! - expected) < 1e-4 * Math.max(1, Math.abs(expected)), `x=${v}: ${grad[i]} vs ${expected}`);
  });
});

test("per-channel uint8 fake quantization along axis 1 masks each channel with its own range", async () => {
  const scale = [0.02, 0.5];
  const zp = [128, 10];
  // Channel 0 range [-2.56, 2.54], channel 1 [-5, 122.5].
  const x = [-3, 2.5, -4.9, 123, 2.6, -2.5, -5.5, 100];
  const { grad, w } = await steCase({ qtype: DataType.UINT8, scale, zp, axis: 1, x, dims: [2, 2, 2] });
  x.forEach((v, i) => {
    const c = Math.floor(i / 2) % 2;
    const [lo, hi] = [(0 - zp[c]!) * scale[c]!, (255 - zp[c]!) * scale[c]!];
    const expected = w[i]! * ((v >= lo && v <= hi ? v : 0) + dequantized(v, scale[c]!, zp[c]!, 0, 255));
    assert.ok(Math.abs(grad[i]! - expected) < 1e-4 * Math.max(1, Math.abs(expected)), `x=${v} (channel ${c}): ${grad[i]} vs ${expected}`);
  });
});

test("a DequantizeLinear of a stored integer weight gives no gradient and no error", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [2]);
  const q = b.initializer("q", Tensor.fromArray(DataType.INT8, [2], Int8Array.from([5, -7])));
  const wf = b.op("DequantizeLinear", [q, b.constant([0.5], [])]);
  b.output(b.op("ReduceSum", [b.op("Mul", [x, wf])], { keepdims: 0 }), "loss");
  const { model: gm } = buildGradientGraph(model, { loss: "loss", wrt: ["x"] });
  const s = await openSession(gm);
  const r = await s.run({ x: { type: "float32", dims: [2], data: Float32Array.from([1, 1]) } }, ["x_grad"]);
  assert.deepEqual([...(r.x_grad!.data as Float32Array)], [2.5, -3.5]);
  await s.release();
});
