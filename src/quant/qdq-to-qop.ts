// Converts a QDQ graph to QOperator form: each DQ → op → Q group whose operands are all
// quantized becomes one QLinear* op (QLinearConv, QLinearMatMul, com.microsoft QGemm,
// QLinearAdd, …), and data-movement ops run on the int8 tensors directly. Groups that do not
// match stay QDQ, so the result is always a valid, runnable model.

import type { Model } from "../ir/model.js";
import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";
import type { AttrInput } from "../ir/attribute.js";
import { parseOpKey } from "../ops/op-key.js";

const MS = "com.microsoft";

interface Quantized {
  q: Value;
  scale: Value;
  zp: Value | null;
}

/** The quantized source of a DequantizeLinear output: (int tensor, scale, zero point). */
function dequantized(v: Value | null): Quantized | null {
  const dq = v?.producer;
  if (!dq || dq.opType !== "DequantizeLinear" || dq.domain !== "") return null;
  if (dq.getInt("axis") !== undefined && dq.input(1)?.shape?.length) {
    // Per-channel parameters are fine for weights/biases; the caller decides.
  }
  return { q: dq.input(0)!, scale: dq.input(1)!, zp: dq.input(2) ?? null };
}

/** The single QuantizeLinear reading `n`'s output, if that is its only reader. */
function quantizedOutput(n: Node): Node | null {
  const out = n.output(0);
  if (out.isGraphOutput || out.uses.length !== 1) return null;
  const q = out.uses[0]!.node;
  return q.opType === "QuantizeLinear" && q.domain === "" && q.input(0) === out ? q : null;
}

function isPerTensor(p: Quantized): boolean {
  return (p.scale.shape?.length ?? 0) === 0 || p.scale.shape?.every((d) => d === 1) === true;
}

function sameParams(g: Graph, a: Quantized, qNode: Node): boolean {
  const same = (x: Value | null, y: Value | null): boolean => {
    if (x === y) return true;
    const tx = g.constantValue(x);
    const ty = g.constantValue(y);
    return !!tx && !!ty && tx.dtype === ty.dtype && Buffer.from(tx.bytes()).equals(Buffer.from(ty.bytes()));
  };
  return same(a.scale, qNode.input(1)) && same(a.zp, qNode.input(2) ?? null);
}

const INT8_INPUT = "int8-input";

/**
 * What each op becomes, by opKey: a QLinear operator, or INT8_INPUT (data movement: the same op
 * run on the int8 tensor, which needs the quantization rule to share input 0's parameters). The
 * conversion below reads its target names here; table-coverage.test.ts checks this table against
 * the quantization rules and the ops registry.
 */
export const QOP_FORMS: Readonly<Record<string, string>> = {
  Conv: "QLinearConv",
  MatMul: "QLinearMatMul",
  Gemm: `${MS}::QGemm`,
  Add: `${MS}::QLinearAdd`,
  Mul: `${MS}::QLinearMul`,
  GlobalAveragePool: `${MS}::QLinearGlobalAveragePool`,
  AveragePool: `${MS}::QLinearAveragePool`,
  Sigmoid: `${MS}::QLinearSigmoid`,
  LeakyRelu: `${MS}::QLinearLeakyRelu`,
  Concat: `${MS}::QLinearConcat`,
  MaxPool: INT8_INPUT,
  Reshape: INT8_INPUT,
  Transpose: INT8_INPUT,
  Flatten: INT8_INPUT,
  Squeeze: INT8_INPUT,
  Unsqueeze: INT8_INPUT,
  Slice: INT8_INPUT,
  Resize: INT8_INPUT,
};

/** Whether a QOP_FORMS entry runs the op itself on int8 data. */
export function isInt8Input(form: string): boolean {
  return form === INT8_INPUT;
}

export interface QopReport {
  converted: Record<string, number>;
  keptQdq: number;
}

export function convertQdqToQop(model: Model): QopReport {
  const g = model.graph;
  const converted: Record<string, number> = {};
  let usesContrib = false;
  for (const n of [...g.nodes]) {
    if (n.domain !== "" || !n.graph) continue;
    const q = quantizedOutput(n);
    if (!q) continue;
    const y = q.output(0);
    const ys = q.input(1)!;
    const yzp = q.input(2) ?? null;
    const replace = (inputs: (Value | null)[], attrs: Record<string, AttrInput>): void => {
      const form = QOP_FORMS[n.opType]!;
      const { opType, domain } = form === INT8_INPUT ? { opType: n.opType, domain: "" } : parseOpKey(form);
      const qn = g.addNode(opType, inputs, attrs, { before: n, domain, name: g.names.fresh(`${n.name || opType}_quant`) });
      y.replaceAllUsesWith(qn.output(0));
      g.removeNode(q);
      g.names.release(qn.output(0).name);
      const name = y.name;
      g.names.release(name);
      qn.output(0).name = name;
      g.names.claim(name);
      qn.output(0).type = y.type;
      converted[opType] = (converted[opType] ?? 0) + 1;
      if (domain === MS) usesContrib = true;
      if (n.output(0).uses.length === 0) g.removeNode(n);
    };
    const attrs = Object.fromEntries([...n.attributes].map(([k, a]) => [k, a]));
    const x = dequantized(n.input(0));
    if (!x || !isPerTensor(x)) continue;
    switch (n.opType) {
      case "Conv": {
        const w = dequantized(n.input(1));
        const b = n.input(2) ? dequantized(n.input(2)) : null;
        if (!w || (n.input(2) && !b)) break;
        replace([x.q, x.scale, x.zp, w.q, w.scale, w.zp, ys, yzp, b?.q ?? null], attrs);
        break;
      }
      case "MatMul": {
        const b = dequantized(n.input(1));
        if (!b) break;
        replace([x.q, x.scale, x.zp, b.q, b.scale, b.zp, ys, yzp], {});
        break;
      }
      case "Gemm": {
        const b = dequantized(n.input(1));
        const c = n.input(2) ? dequantized(n.input(2)) : null;
        if (!b || (n.input(2) && !c)) break;
        // QGemm has no beta: the plan only quantizes Gemm biases with beta = 1.
        const { beta: _beta, ...gemmAttrs } = attrs;
        replace([x.q, x.scale, x.zp, b.q, b.scale, b.zp, c?.q ?? null, ys, yzp], gemmAttrs);
        break;
      }
      case "Add":
      case "Mul": {
        const b = dequantized(n.input(1));
        if (!b || !isPerTensor(b)) break;
        replace([x.q, x.scale, x.zp, b.q, b.scale, b.zp, ys, yzp], {});
        break;
      }
      case "GlobalAveragePool":
        replace([x.q, x.scale, x.zp, ys, yzp], { channels_last: 0 });
        break;
      case "AveragePool":
        replace([x.q, x.scale, x.zp, ys, yzp], { ...attrs, channels_last: 0 });
        break;
      case "Sigmoid":
      case "LeakyRelu":
        replace([x.q, x.scale, x.zp, ys, yzp], attrs);
        break;
      case "Concat": {
        const parts = n.inputs.map((v) => dequantized(v));
        if (parts.some((p) => !p || !isPerTensor(p))) break;
        replace([ys, yzp, ...parts.flatMap((p) => [p!.q, p!.scale, p!.zp])], attrs);
        break;
      }
      case "MaxPool":
      case "Reshape":
      case "Transpose":
      case "Flatten":
      case "Squeeze":
      case "Unsqueeze":
      case "Slice":
      case "Resize": {
        if (n.outputs.length !== 1 || !sameParams(g, x, q)) break;
        replace([x.q, ...n.inputs.slice(1)], attrs);
        break;
      }
    }
  }
  // The bypassed DequantizeLinear nodes stay until the pipeline's remove-unused step.
  if (usesContrib && !model.opsets.has(MS)) model.opsets.set(MS, 1);
  const keptQdq = g.nodes.filter((n) => n.opType === "QuantizeLinear").length;
  return { converted, keptQdq };
}
