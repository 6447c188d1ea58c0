// Pooling. MaxPool routes each output gradient to the element its Indices output names
// (ScatterElements with reduction "add", since overlapping windows can pick the same element);
// average pooling spreads g/count over each window with a ones-kernel depthwise ConvTranspose.

import type { Value } from "../../ir/value.js";
import { DataType } from "../../ir/dtype.js";
import { product, staticDims } from "../emitter.js";
import type { GradContext, GradRule } from "../rule.js";
import { extent, spreadOverInput, windowGeometry } from "./conv-geometry.js";

export const maxPool: GradRule = {
  op: "MaxPool",
  outputsToSave: [1],
  grad: (c) => {
    const { b } = c;
    const g = c.grad()!;
    if (c.grad(1)) throw c.fail("its Indices output is not differentiable");
    if (c.node.getInt("storage_order", 0) !== 0) throw c.fail("storage_order=1 (column-major Indices) is not supported");
    const x = c.input(0);
    const indices = indicesOutput(c);
    // Indices are offsets into x flattened whole (batch and channel included).
    const size = staticDims(x.shape) ? [product(staticDims(x.shape)!)] : b.reshape(b.op("Size", [x]), [1]);
    const zeros = b.fill(size, 0, c.dtype);
    const flat = b.op("ScatterElements", [zeros, b.reshape(indices, [-1]), b.reshape(g, [-1])], { axis: 0, reduction: "add" });
    return [b.reshapeLike(flat, x)];
  },
};

/** The node's Indices output, added to the forward node when it did not ask for one. */
function indicesOutput(c: GradContext): Value {
  if (c.node.outputs.length > 1) return c.output(1);
  const y = c.output(0);
  const v = c.b.graph.createValue(`${y.name}_indices`, { kind: "tensor", dtype: DataType.INT64, ...(y.shape ? { shape: y.shape } : {}) });
  c.node.attachOutput(v);
  return v;
}

export const averagePool: GradRule = {
  op: "AveragePool",
  grad: (c) => {
    const { b } = c;
    const g = c.grad()!;
    const x = c.input(0);
    const geo = windowGeometry(c, x, undefined);
    checkFloorMode(c, x, geo.kernel, geo);
    const channels = x.shape?.[1];
    if (typeof channels !== "number") throw c.fail(`the channel count of "${x.name}" is unknown`);
    const window = product(geo.kernel);
    const padded = [...geo.padsBegin, ...geo.padsEnd].some((p) => p > 0);
    let count: Value = b.scalar(window, c.dtype);
    if (padded && c.node.getInt("count_include_pad", 0) === 0) {
      // Each window's count of real (non-pad) elements: window size times its share of them.
      const attrs = Object.fromEntries(c.node.attributes);
      const share = b.op("AveragePool", [b.fill(b.shapeVec(x), 1, c.dtype)], { ...attrs, count_include_pad: 1 });
      count = b.mul(count, share);
    }
    const ones = b.fill([channels, 1, ...geo.kernel], 1, c.dtype);
    return [spreadOverInput(c, b.div(g, count), ones, { ...geo, group: channels }, x)];
  },
};

/** ceil_mode windows can run past the padding, with counts this rule does not model. */
function checkFloorMode(c: GradContext, x: Value, kernel: number[], geo: ReturnType<typeof windowGeometry>): void {
  if (c.node.getInt("ceil_mode", 0) === 0) return;
  const dims = staticDims(x.shape?.slice(2));
  const same = dims?.every((h, i) => {
    const span = h + geo.padsBegin[i]! + geo.padsEnd[i]! - extent(kernel[i]!, geo.dilations[i]!);
    return span % geo.strides[i]! === 0;
  });
  if (!same) throw c.fail("ceil_mode=1 with a partial last window is not supported");
}

export const globalAveragePool: GradRule = {
  op: "GlobalAveragePool",
  grad: (c) => {
    const { b } = c;
    const x = c.input(0);
    const scaled = b.div(c.grad()!, b.sizeRatio(x, c.output(), c.dtype));
    return [b.op("Expand", [scaled, b.vec(b.shapeVec(x))])];
  },
};

export const POOL_RULES: readonly GradRule[] = [maxPool, averagePool, globalAveragePool];
