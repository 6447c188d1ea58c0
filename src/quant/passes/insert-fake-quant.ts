// Quantization-aware training's graph: the static plan (plan-static.ts) written as fake
// quantization instead of integers. Activations get the same QuantizeLinear → DequantizeLinear
// pairs, with the same calibrated parameters, that insert-qdq would give them; fused Relu/Clip
// disappear into saturation as in the static model. Weights stay float initializers (the trainer
// updates them) and pass through Q → DQ whose per-channel scales are computed in the graph from
// the current weights at every step, with the encoding export will use (weightEncoding: symmetric
// int8, the target's pair limit), so training sees what the int8 model computes. The straight-
// through gradient (autodiff/rules/fake-quant.ts) flows to the weight; the scale computation
// gets no gradient (the rule gives none to scales), so scales are never trained or decayed.
//
// Not modelled: biases stay float (export stores them as int32 at input scale × weight scale,
// an error below half a step of the accumulator), and the rare extra widening export applies
// when rounding pushes a same-sign pair one step past the limit (math.ts limitPairs).

import type { Graph } from "../../ir/graph.js";
import type { Value } from "../../ir/value.js";
import type { Node } from "../../ir/node.js";

type Use = { node: Node; index: number };
import { DataType } from "../../ir/dtype.js";
import { QuantaError } from "../../errors.js";
import { definePass, type Pass } from "../../passes/pass.js";
import { Emitter } from "../../autodiff/emitter.js";
import { quantizeWeights, type QParams } from "../math.js";
import { scaleTensor, zeroPointTensor } from "../param-tensors.js";
import { insertQdq, qdqDomain, removeFusedActivations, weightEncoding } from "../materialize-qdq.js";
import type { PlannedWeight } from "../plan.js";
import type { StaticQuantConfig } from "../config.js";
import { required, type StaticQuantState } from "./static-state.js";

/** Smallest scale (float32's smallest normal), as math.ts uses. */
const MIN_SCALE = 2 ** -126;

export interface FakeQuantReport {
  /** Activation parameters by tensor name (names before insertion): what training used, and export reuses. */
  activations: Map<string, QParams>;
  /** Weights whose scales follow the current values at every step. */
  weights: string[];
  /** Constant operands stored in the activation type (Add/Mul/Concat): fixed fake quantization, not trained. */
  frozen: string[];
}

export function insertFakeQuantPass(state: StaticQuantState, onReport: (r: FakeQuantReport) => void): Pass {
  return definePass("insert-fake-quant", (model) => {
    const plan = required(state.plan, "plan", "insert-fake-quant");
    const params = required(state.params, "calibrated parameters", "insert-fake-quant");
    const config = state.config;
    if (qdqDomain(model, config) !== "") throw new QuantaError("quantization-aware training supports 8-bit activations and weights (16-bit Q/DQ before opset 21 are contrib ops without a gradient rule)", 2);
    const g = model.graph;
    const report: FakeQuantReport = { activations: new Map(), weights: [], frozen: [] };
    removeFusedActivations(g, plan);
    const b = new Emitter(g, model.opset, "qat");
    for (const w of plan.weights.values()) {
      if (w.asActivation) {
        fixedFakeQuant(g, b, w, config);
        report.frozen.push(w.value.name);
      } else {
        trackingFakeQuant(g, b, w, config);
        report.weights.push(w.value.name);
      }
    }
    for (const [v, p] of params) {
      report.activations.set(v.name, p);
      insertQdq(g, v, p, config.activationType, plan.tensors.get(v)?.rangeOf.name ?? v.name, "");
    }
    onReport(report);
    return { model, modified: plan.tensors.size + plan.weights.size + plan.fusedActivations.length > 0 };
  });
}

/** Q → DQ on weight `w`, rewiring the readers it had before (not the scale computation reading it). */
function wrap(b: Emitter, w: Value, readers: readonly Use[], scale: Value, zp: Value, axis: number | null): void {
  const attrs: Record<string, number> = axis !== null ? { axis } : {};
  const q = b.op("QuantizeLinear", [w, scale, zp], attrs);
  const dq = b.op("DequantizeLinear", [q, scale, zp], attrs);
  dq.type = w.type;
  for (const u of readers) u.node.setInput(u.index, dq);
}

/**
 * A symmetric int8 weight whose scales are recomputed from its values each step: per channel (or
 * per tensor), max(absmax / 127, largest same-sign pair / pairLimit), as quantizeWeights does.
 */
function trackingFakeQuant(g: Graph, b: Emitter, w: PlannedWeight, config: StaticQuantConfig): void {
  const e = weightEncoding(g, w, config);
  if (e.qtype !== "int8" || !e.symmetric) throw new QuantaError(`quantization-aware training supports int8 weights (weight "${w.value.name}" would be ${e.qtype})`, 2);
  const v = w.value;
  const dims = g.constantValue(v)!.dims;
  const rank = dims.length;
  if (e.pairLimit !== undefined && w.axis !== null && w.axis !== e.outputAxis) {
    throw new QuantaError(`weight "${v.name}": per-channel axis ${w.axis} differs from its output axis ${e.outputAxis}; pair-limited fake quantization needs them equal`);
  }
  const readers = [...v.uses];
  // Rows: the channel axis (or the output axis, whose slices bound the pairs), first; the rest flattened.
  const rowAxis = w.axis ?? e.outputAxis ?? 0;
  const rows = rank === 0 ? 1 : dims[rowAxis]!;
  const inner = rows === 0 ? 0 : dims.reduce((a, d) => a * d, 1) / rows;
  let x = v;
  if (rank > 1 && rowAxis !== 0) x = b.transpose(x, [rowAxis, ...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== rowAxis)]);
  x = b.reshape(x, [rows, inner]);
  const F = DataType.FLOAT;
  const reduceMax = (t: Value, axis: number): Value =>
    b.opset >= 18 ? b.op("ReduceMax", [t, b.ints([axis])], { keepdims: 0 }) : b.op("ReduceMax", [t], { axes: [axis], keepdims: 0 });
  let absmax = reduceMax(b.op("Abs", [x]), 1); // [rows]
  let scale = b.div(absmax, b.scalar(127, F));
  if (e.pairLimit !== undefined && inner > 0) {
    const k = Math.min(2, inner);
    const topSum = (t: Value) => b.reduceSum(b.opN("TopK", [t, b.ints([k])], { axis: 1 }, 2)[0]!, [1], false);
    const need = b.op("Max", [topSum(b.op("Relu", [x])), topSum(b.op("Relu", [b.neg(x)]))]);
    scale = b.op("Max", [scale, b.div(need, b.scalar(e.pairLimit, F))]);
  }
  if (w.axis === null) {
    absmax = reduceMax(absmax, 0);
    scale = reduceMax(scale, 0);
  }
  // An all-zero channel gets scale 1 (qparamsFromRange); tiny ones the smallest normal float.
  scale = b.op("Where", [b.op("Equal", [absmax, b.scalar(0, F)]), b.scalar(1, F), b.op("Max", [scale, b.scalar(MIN_SCALE, F)])]);
  const zp = w.axis === null ? b.scalar(0, DataType.INT8) : b.tensor(new Array<number>(rows).fill(0), [rows], DataType.INT8);
  wrap(b, v, readers, scale, zp, w.axis);
}

/** A constant operand stored in the activation type: parameters from its (untrained) values, as materialization computes them. */
function fixedFakeQuant(g: Graph, b: Emitter, w: PlannedWeight, config: StaticQuantConfig): void {
  const e = weightEncoding(g, w, config);
  const t = g.constantValue(w.value)!;
  const { params } = quantizeWeights(t.toFloat32(), t.dims, w.axis, { qtype: e.qtype, symmetric: e.symmetric, name: w.value.name });
  const readers = [...w.value.uses];
  const scale = g.addInitializer(`${w.value.name}_fq_scale`, scaleTensor(params));
  const zp = g.addInitializer(`${w.value.name}_fq_zero_point`, zeroPointTensor(params, e.qtype));
  wrap(b, w.value, readers, scale, zp, w.axis);
}
