// Decides what a static quantization run quantizes: which activation tensors get Q/DQ (and
// whose range they use), which initializers are weights (and their channel axis), which are
// int32 biases, and which Relu/Clip disappear into the preceding op's saturation. Only marks;
// materialize-qdq.ts builds the nodes.

import type { Model } from "../ir/model.js";
import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";
import { DataType } from "../ir/dtype.js";
import { quantRule } from "./rules/index.js";
import type { StaticQuantConfig } from "./config.js";

export interface PlannedTensor {
  value: Value;
  /** The float tensor whose calibrated range sets the parameters (a removed Relu's output, or itself). */
  rangeOf: Value;
  /** Use another planned tensor's parameters (data-movement ops), instead of a range. */
  shareWith?: Value;
}

export interface PlannedWeight {
  value: Value;
  axis: number | null;
  /** A constant operand of Add/Mul/Concat: stored in the activation type, as kernels mixing it with activations require. */
  asActivation?: boolean;
}

export interface PlannedBias {
  value: Value;
  activation: Value;
  weight: Value;
}

export interface QuantPlan {
  tensors: Map<Value, PlannedTensor>;
  weights: Map<Value, PlannedWeight>;
  biases: Map<Value, PlannedBias>;
  /** Relu/Clip nodes to remove: their output is replaced by their input. */
  fusedActivations: Node[];
  quantizedNodes: Node[];
  skipped: { node: string; op: string; reason: string }[];
}

export function planStatic(model: Model, config: StaticQuantConfig): QuantPlan {
  const g = model.graph;
  const plan: QuantPlan = { tensors: new Map(), weights: new Map(), biases: new Map(), fusedActivations: [], quantizedNodes: [], skipped: [] };
  const alias = new Map<Value, Value>(); // removed activation output -> its input
  const resolve = (v: Value): Value => alias.get(v) ?? v;

  const selected = (n: Node): string | null => {
    const rule = quantRule(n);
    if (!rule) return "no quantization rule";
    if (config.exclude.includes(n.opType) || (n.name && config.exclude.includes(n.name))) return "excluded";
    if (config.ops && !config.ops.includes(n.opType)) return "not in --ops";
    if (rule.optIn && !config.quantizeAll) return "kept float by default (--quantize-all to try)";
    // Scalar arithmetic computes sizes and steps (a window length for Range): no speed to win,
    // and rounding it changes shapes.
    if (n.outputs.length > 0 && n.outputs.every((o) => o.shape?.length === 0)) return "a scalar result (size arithmetic)";
    if (n.outputs.length > 0 && n.outputs.every((o) => o.dtype !== undefined && o.dtype !== DataType.FLOAT)) return "no float tensors";
    return rule.check?.(n, g) ?? null;
  };
  const reasons = new Map(g.nodes.map((n) => [n, selected(n)] as const));
  const island = int8Island(g, reasons);

  const markTensor = (v: Value, rangeOf: Value = v, shareWith?: Value): void => {
    if (v.dtype !== DataType.FLOAT || plan.tensors.has(v) || g.constantValue(v)) return;
    plan.tensors.set(v, { value: v, rangeOf, ...(shareWith ? { shareWith } : {}) });
  };

  for (const n of g.nodes) {
    if (plan.fusedActivations.includes(n)) continue;
    // Asked for by name (--ops) or for everything (--quantize-all): quantized wherever it stands.
    const wanted = config.quantizeAll || !!config.ops?.includes(n.opType);
    const reason = reasons.get(n) ?? (island.has(n) || wanted ? null : "not beside a quantized Conv/Gemm/MatMul");
    if (reason) {
      if (quantRule(n)) plan.skipped.push({ node: n.name, op: n.opType, reason });
      continue;
    }
    const rule = quantRule(n)!;
    const weightIdx = rule.weight && g.constantValue(n.input(rule.weight.index)) ? rule.weight.index : -1;
    const acts = rule.activations === "all" ? n.inputs.map((_, i) => i) : rule.activations;
    const actValues: Value[] = [];
    for (const i of acts) {
      const v = n.input(i);
      if (!v || i === weightIdx) continue;
      if (g.constantValue(v)) {
        // A constant operand of Add/Mul/Concat etc.: quantized like a weight, per tensor.
        if (v.dtype === DataType.FLOAT && !plan.weights.has(v)) plan.weights.set(v, { value: v, axis: null, asActivation: true });
        continue;
      }
      markTensor(resolve(v));
      actValues.push(resolve(v));
    }
    if (weightIdx >= 0) {
      const w = n.input(weightIdx)!;
      const perChannel = n.opType === "MatMul" ? config.perChannelMatMul : config.perChannel;
      let axis = perChannel ? rule.weight!.axis(n) : null;
      const rank = g.constantValue(w)!.dims.length;
      if (axis !== null && axis < 0) axis += rank;
      if (n.opType === "MatMul" && rank !== 2) axis = null;
      if (!plan.weights.has(w)) plan.weights.set(w, { value: w, axis });
      const b = rule.bias !== undefined ? n.input(rule.bias) : null;
      if (b && g.constantValue(b) && actValues[0]) plan.biases.set(b, { value: b, activation: actValues[0], weight: w });
    }
    plan.quantizedNodes.push(n);
    if (rule.output === "none") continue;
    const out = n.output(0);
    if (rule.output === "input") {
      const src = actValues[0];
      if (src) for (const o of n.outputs) markTensor(o, o, src);
      continue;
    }
    const act = config.fuseActivations && !config.symmetricActivations ? removableActivation(n, g) : null;
    if (act) {
      plan.fusedActivations.push(act);
      alias.set(act.output(0), out);
      markTensor(out, act.output(0));
    } else {
      markTensor(out);
    }
  }
  return plan;
}

/**
 * The nodes worth quantizing: anchors (Conv, Gemm, MatMul) and, grown from them, every selectable
 * node connected to the region through a producer or a consumer. What is left is float between
 * float neighbours, where int8 buys no kernel and costs a rounding.
 */
function int8Island(g: Graph, reasons: ReadonlyMap<Node, string | null>): Set<Node> {
  const ok = (n: Node | null | undefined): n is Node => !!n && reasons.get(n) === null;
  const island = new Set(g.nodes.filter((n) => ok(n) && quantRule(n)!.anchor));
  const queue = [...island];
  while (queue.length) {
    const n = queue.pop()!;
    const neighbours = [...n.inputs.map((v) => v?.producer), ...n.outputs.flatMap((o) => o.uses.map((u) => u.node))];
    for (const m of neighbours) {
      if (ok(m) && !island.has(m)) {
        island.add(m);
        queue.push(m);
      }
    }
  }
  return island;
}

/** A Relu, or Clip with a lower bound of 0, that is the only reader of `n`'s output. */
function removableActivation(n: Node, g: Graph): Node | null {
  const out = n.output(0);
  if (out.isGraphOutput || out.uses.length !== 1) return null;
  const a = out.uses[0]!.node;
  if (a.domain !== "" || a.output(0).isGraphOutput) return null;
  if (a.opType === "Relu") return a;
  if (a.opType === "Clip") {
    const min = a.getFloat("min") ?? g.constantValue(a.input(1))?.toNumbers()[0];
    return min === 0 ? a : null;
  }
  return null;
}
