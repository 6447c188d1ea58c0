// Undoing numpy broadcasting in the backward pass: an input that was broadcast to the output's
// shape receives the sum of the output gradient over the broadcast axes.

import type { Value, Dim } from "../ir/value.js";
import { DataType } from "../ir/dtype.js";
import { dimsEqual, minParts } from "../ops/dims.js";
import { range, type Emitter } from "./emitter.js";

/**
 * Sums `g` (shaped `gShape`) down to `target`'s shape. Static when both ranks are known and every
 * axis is decidable; otherwise the axes whose target dim is 1 are found at run time, at the cost
 * of a full copy of g when there are none (ReduceSum's no-op). `peers` are the shapes of the
 * other operands broadcast together with the target, when g's shape is their broadcast: an
 * unknown target dim where every peer has 1 or no axis is the output's dim, so not summed.
 */
export function unbroadcast(
  b: Emitter,
  g: Value,
  gShape: readonly Dim[] | undefined,
  target: Value,
  targetShape = target.shape,
  peers?: readonly (readonly Dim[] | undefined)[],
): Value {
  const axes = gShape && targetShape ? staticAxes(gShape, targetShape, peers) : undefined;
  if (!axes) return dynamicUnbroadcast(b, g, target);
  const lead = gShape!.length - targetShape!.length;
  const summed = b.reduceSum(g, axes, true);
  // The leading axes are 1 after keepdims; dropping them gives the target's rank.
  return b.squeeze(summed, range(0, lead));
}

/** Axes to sum, or undefined when some axis can only be decided at run time. */
function staticAxes(gShape: readonly Dim[], tShape: readonly Dim[], peers?: readonly (readonly Dim[] | undefined)[]): number[] | undefined {
  const lead = gShape.length - tShape.length;
  if (lead < 0) return undefined;
  const axes = range(0, lead);
  for (let i = 0; i < tShape.length; i++) {
    const t = tShape[i]!;
    const o = gShape[lead + i]!;
    if (t === 1) {
      if (o !== 1) axes.push(lead + i);
    } else if (typeof t === "number") {
      // A known dim other than 1 was not broadcast: the output has the same size there.
    } else if (!dimsEqual(t, o) && !isCapOf(t, o) && !peersKeep(peers, gShape.length - (lead + i))) {
      return undefined; // a symbolic dim might be 1 at run time
    }
  }
  return axes;
}

/** t = min(o, d) with d >= 2 is 1 exactly when o is: never broadcast along o. */
function isCapOf(t: Dim, o: Dim): boolean {
  const m = minParts(t);
  return !!m && m.cap >= 2 && m.of === o;
}

/** Whether every peer has dim 1 or no axis at `fromEnd` (1 = last axis): then the output dim is the target's. */
function peersKeep(peers: readonly (readonly Dim[] | undefined)[] | undefined, fromEnd: number): boolean {
  return !!peers && peers.every((p) => p !== undefined && (p.length < fromEnd || p[p.length - fromEnd] === 1));
}

function dynamicUnbroadcast(b: Emitter, g: Value, target: Value): Value {
  const gs = b.shapeOf(g);
  const ts = b.shapeOf(target);
  // Left-pad the target shape with ones to the gradient's rank, then sum where it is 1.
  const padLen = b.sub(b.op("Shape", [gs]), b.op("Shape", [ts]));
  const ones = b.op("ConstantOfShape", [padLen], { value: b.tensorAttr(1, DataType.INT64) });
  const padded = b.op("Concat", [ones, ts], { axis: 0 });
  const isOne = b.op("Equal", [padded, b.ints([1])]);
  const axes = b.reshape(b.op("NonZero", [isOne]), [-1]);
  const summed = b.op("ReduceSum", [g, axes], { keepdims: 1, noop_with_empty_axes: 1 });
  return b.reshape(summed, ts);
}
