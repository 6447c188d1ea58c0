// QuantizeLinear -> DequantizeLinear as one fake-quant op with the straight-through estimator:
// rounding is treated as identity, so the gradient passes unchanged wherever x lies inside the
// representable range [(qmin - zp) * scale, (qmax - zp) * scale], and is zero where the
// quantizer saturates. The rule sits on the DequantizeLinear and sends the gradient straight to
// the QuantizeLinear's input; the integer value in between never gets one.

import type { Value } from "../../ir/value.js";
import type { Node } from "../../ir/node.js";
import { DataType, dtypeName } from "../../ir/dtype.js";
import { normalizeAxis } from "../../ops/dims.js";
import { dtypeOf } from "../emitter.js";
import type { GradContext, GradRule } from "../rule.js";

const INTEGER_RANGES: Partial<Record<DataType, [number, number]>> = {
  [DataType.UINT8]: [0, 255],
  [DataType.INT8]: [-128, 127],
  [DataType.UINT16]: [0, 65535],
  [DataType.INT16]: [-32768, 32767],
  [DataType.UINT4]: [0, 15],
  [DataType.INT4]: [-8, 7],
  [DataType.INT32]: [-2147483648, 2147483647],
};

export const fakeQuant: GradRule = {
  op: "DequantizeLinear",
  grad: (c) => {
    const quantize = c.input(0).producer;
    // A DequantizeLinear of stored integers (a quantized weight) has nothing to differentiate.
    if (!quantize || quantize.opType !== "QuantizeLinear" || quantize.domain !== "") return [null, null, null];
    if (quantize.getInt("block_size", 0) > 0) throw c.fail("blocked quantization is not supported by the straight-through gradient");
    const { b } = c;
    const x = quantize.input(0)!;
    const dtype = dtypeOf(x);
    const [qmin, qmax] = quantizedRange(c, quantize);
    const align = (v: Value) => perAxis(c, v, x, quantize.getInt("axis", 1));
    const scale = align(quantize.input(1)!);
    const zp = quantize.input(2) ? b.op("Cast", [align(quantize.input(2)!)], { to: dtype }) : b.scalar(0, dtype);
    const bound = (q: number) => b.mul(b.sub(b.scalar(q, dtype), zp), scale);
    const inside = b.op("And", [b.op("GreaterOrEqual", [x, bound(qmin)]), b.op("LessOrEqual", [x, bound(qmax)])]);
    c.accumulate(x, b.op("Where", [inside, c.grad()!, b.scalar(0, dtype)]));
    return [null, null, null];
  },
};

/** The integer range of the quantized type: the output's, else the zero point's, else uint8. */
function quantizedRange(c: GradContext, quantize: Node): [number, number] {
  const t = quantize.output(0).dtype || quantize.input(2)?.dtype || quantize.getInt("output_dtype", 0) || DataType.UINT8;
  const r = INTEGER_RANGES[t as DataType];
  if (!r) throw c.fail(`fake quantization to ${dtypeName(t)} is not supported (integer types only)`);
  return r;
}

/** A per-axis (1-D) scale or zero point reshaped to broadcast along `axis` of x. */
function perAxis(c: GradContext, v: Value, x: Value, axis: number): Value {
  const rank = c.rank(x);
  if (v.shape?.length !== 1 || rank <= 1) return v;
  const a = normalizeAxis(axis, rank);
  return c.b.reshape(v, Array.from({ length: rank }, (_, i) => (i === a ? -1 : 1)));
}
