// Builds the QDQ graph from a plan: QuantizeLinear→DequantizeLinear on activation tensors,
// int8 weights and int32 biases behind DequantizeLinear, fused Relu/Clip removed. ONNX Runtime
// recognizes these groups (DQ → op → Q) and runs them as int8 kernels.

import type { Model } from "../ir/model.js";
import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { DataType } from "../ir/dtype.js";
import { renameFresh, renameValue } from "../ir/builder.js";
import { quantizeBias, type QParams } from "./math.js";
import { qtypeInfo, type QType } from "./qtype.js";
import { scaleTensor, zeroPointTensor } from "./param-tensors.js";
import { dequantizedWeight } from "./quantize-weight.js";
import { FLOAT_TWIN_KEY } from "./float-twin.js";
import type { PlannedWeight, QuantPlan } from "./plan.js";
import type { StaticQuantConfig } from "./config.js";
import { targetInfo } from "./target.js";

export interface MaterializeStats {
  activations: number;
  weights: number;
  biases: number;
  floatBiases: string[];
  fusedActivations: number;
  /** Embedding tables stored as int8 (filled in by the static pipeline). */
  tables?: number;
}

/** Domain of the Q/DQ nodes: 16-bit Q/DQ are standard only from opset 21; before, ONNX Runtime offers them as contrib ops. */
export function qdqDomain(model: Model, config: StaticQuantConfig): "" | "com.microsoft" {
  const wide = qtypeInfo(config.activationType).bits > 8 || qtypeInfo(config.weightType).bits > 8;
  return wide && model.opset < 21 ? "com.microsoft" : "";
}

/**
 * Writes the plan into `model`: fused activations removed, weights and biases quantized behind
 * DequantizeLinear, Q → DQ after every planned activation. Leaves the float initializers it
 * replaced in place: removing what is unused is the pipeline's next step.
 */
export function materializeQdq(model: Model, plan: QuantPlan, params: ReadonlyMap<Value, QParams>, config: StaticQuantConfig): MaterializeStats {
  const g = model.graph;
  const domain = qdqDomain(model, config);
  if (domain && !model.opsets.has(domain)) model.opsets.set(domain, 1);
  removeFusedActivations(g, plan);
  const weightScales = new Map<Value, QParams[]>();
  for (const w of plan.weights.values()) {
    const e = weightEncoding(g, w, config);
    weightScales.set(w.value, quantizeWeight(g, w.value, w.axis, e.qtype, e.symmetric, e.pairLimit !== undefined ? { pairLimit: e.pairLimit, outputAxis: e.outputAxis } : {}, domain));
  }
  const floatBiases: string[] = [];
  let biases = 0;
  for (const b of plan.biases.values()) {
    const inP = params.get(b.activation);
    const wP = weightScales.get(b.weight);
    if (!inP || !wP) continue;
    if (quantizeBiasValue(g, b.value, inP.scale, wP)) biases++;
    else floatBiases.push(b.value.name);
  }
  // A fused Relu's output is the float tensor a quantized Conv output now stands for.
  for (const [v, p] of params) insertQdq(g, v, p, config.activationType, plan.tensors.get(v)?.rangeOf.name ?? v.name, domain);
  return { activations: params.size, weights: plan.weights.size, biases, floatBiases, fusedActivations: plan.fusedActivations.length };
}

/** Removes the Relu/Clip nodes the plan folds into their producer's saturation. */
export function removeFusedActivations(g: Graph, plan: QuantPlan): void {
  for (const a of plan.fusedActivations) {
    a.output(0).replaceAllUsesWith(a.input(0)!);
    g.removeNode(a);
  }
}

/** How a planned weight is stored: its integer type, symmetry, and the target's pair limit when an int8 GEMM reads it. */
export interface WeightEncoding {
  qtype: QType;
  symmetric: boolean;
  /** Same-sign pair bound (target.ts), with the axis whose slices one output sums over. */
  pairLimit?: number;
  outputAxis?: number;
}

/** The encoding materialization gives weight `w`: shared with fake quantization (QAT), so training sees what export writes. */
export function weightEncoding(g: Graph, w: PlannedWeight, config: StaticQuantConfig): WeightEncoding {
  const asAct = w.asActivation === true;
  const qtype = asAct ? config.activationType : config.weightType;
  const symmetric = asAct ? config.symmetricActivations : true;
  const gemm = asAct || config.weightType !== "int8" ? null : integerGemmReader(g, w.value);
  const pairLimit = gemm ? targetInfo(config.target).pairLimit : null;
  if (pairLimit === null) return { qtype, symmetric };
  return { qtype, symmetric, pairLimit, outputAxis: gemmOutputAxis(gemm!, g.constantValue(w.value)!.dims.length) };
}

/** Q → DQ right after `v` is produced; every reader then sees the dequantized twin. */
export function insertQdq(g: Graph, v: Value, p: QParams, qtype: QType, twin: string, domain: string): void {
  const floatName = v.name;
  const { scale, zp } = paramInitializers(g, floatName, [p], qtype);
  const where = v.producer ? { after: v.producer } : { before: g.nodes[0] };
  const q = g.addNode("QuantizeLinear", [v, scale, zp], {}, { ...where, domain, name: g.names.fresh(`${floatName}_QuantizeLinear`), outputs: [`${floatName}_quantized`] });
  const dq = g.addNode("DequantizeLinear", [q.output(0), scale, zp], {}, { after: q, domain, name: g.names.fresh(`${floatName}_DequantizeLinear`), outputs: [`${floatName}_dequantized`] });
  dq.output(0).type = v.type;
  dq.metadata.push([FLOAT_TWIN_KEY, twin]);
  for (const u of [...v.uses]) if (u.node !== q) u.node.setInput(u.index, dq.output(0));
  if (v.isGraphOutput) {
    // The graph output keeps its name and now carries the dequantized values.
    const out = dq.output(0);
    g.outputs[g.outputs.indexOf(v)] = out;
    renameFresh(v, `${floatName}_float`);
    renameValue(out, floatName);
  }
}

/**
 * Whether some reader of weight `w` runs as a u8×s8 GEMM in ONNX Runtime (QLinearConv,
 * QLinearMatMul, QGemm), the kernels that saturate pair sums on x86 without VNNI. Depthwise
 * Convs run a kernel that widens to int16 first (checked by kernel-probe.ts).
 */
function integerGemmReader(g: Graph, w: Value): Node | null {
  const use = w.uses.find(({ node: n, index }) => {
    if (index !== 1 || !["Conv", "ConvTranspose", "Gemm", "MatMul"].includes(n.opType)) return false;
    if (n.opType !== "Conv") return true;
    const dims = g.constantValue(w)?.dims ?? [];
    const group = n.getInt("group", 1);
    return !(group > 1 && dims[1] === 1 && dims[0] === group);
  });
  return use?.node ?? null;
}

/** The weight axis whose slices are what one output of `n` sums over. */
function gemmOutputAxis(n: Node, rank: number): number {
  if (n.opType === "Conv") return 0;
  if (n.opType === "ConvTranspose") return 1;
  if (n.opType === "Gemm") return n.getInt("transB", 0) ? 0 : 1;
  return rank - 1;
}

function quantizeWeight(g: Graph, w: Value, axis: number | null, qtype: QType, symmetric: boolean, pairs: { pairLimit?: number; outputAxis?: number }, domain: string): QParams[] {
  const { node: dq, params } = dequantizedWeight(g, w, {
    axis,
    weight: { qtype, symmetric, ...pairs, name: w.name },
    home: g,
    domain,
    before: firstUse(g, w) ?? g.nodes[0]!,
    output: `${w.name}_dequantized`,
  });
  moveBeforeUses(g, dq, w);
  w.replaceAllUsesWith(dq.output(0));
  return params;
}

function quantizeBiasValue(g: Graph, b: Value, inputScale: number, weight: QParams[]): boolean {
  const t = g.constantValue(b)!;
  const q = quantizeBias(t.toFloat64(), inputScale, weight.map((p) => p.scale));
  if (!q) return false;
  const qv = g.addInitializer(`${b.name}_quantized`, Tensor.fromArray(DataType.INT32, t.dims, q.values));
  const perChannel = weight.length > 1;
  const scale = g.addInitializer(`${b.name}_scale`, perChannel ? Tensor.fromArray(DataType.FLOAT, [q.scales.length], Float32Array.from(q.scales)) : Tensor.fromArray(DataType.FLOAT, [], [q.scales[0]!]));
  const zp = g.addInitializer(`${b.name}_zero_point`, perChannel ? Tensor.fromArray(DataType.INT32, [q.scales.length], new Int32Array(q.scales.length)) : Tensor.fromArray(DataType.INT32, [], [0]));
  // The channel axis of a bias is its last ([M] for Conv, [N] or [1, N] for Gemm).
  const dq = g.addNode("DequantizeLinear", [qv, scale, zp], perChannel ? { axis: Math.max(0, t.dims.length - 1) } : {}, {
    before: firstUse(g, b) ?? g.nodes[0],
    name: g.names.fresh(`${b.name}_DequantizeLinear`),
    outputs: [`${b.name}_dequantized`],
  });
  dq.output(0).type = b.type;
  moveBeforeUses(g, dq, b);
  b.replaceAllUsesWith(dq.output(0));
  return true;
}

/** Scale and zero-point initializers: scalars for per-tensor, 1-D for per-channel. */
function paramInitializers(g: Graph, base: string, ps: QParams[], qtype: QType): { scale: Value; zp: Value } {
  return { scale: g.addInitializer(`${base}_scale`, scaleTensor(ps)), zp: g.addInitializer(`${base}_zero_point`, zeroPointTensor(ps, qtype)) };
}

/** Keeps `dq` ahead of every reader of `w` in node order. */
function moveBeforeUses(g: Graph, dq: Node, w: Value): void {
  const first = Math.min(...w.uses.map((u) => inGraph(g, u.node)).filter((n): n is Node => !!n && n !== dq).map((n) => g.indexOf(n)));
  const at = g.indexOf(dq);
  if (first < at) {
    g.nodes.splice(at, 1);
    g.nodes.splice(first, 0, dq);
  }
}

/**
 * The node of `g` that is `n` or holds it in a subgraph (an If/Loop body reading a weight of the
 * outer graph): where a value read by `n` must already be defined.
 */
function inGraph(g: Graph, n: Node): Node | undefined {
  let cur: Node | null | undefined = n;
  while (cur && cur.graph !== g) cur = cur.graph?.ownerNode;
  return cur ?? undefined;
}

/** The earliest node of `g` that reads `v`, directly or inside its subgraphs. */
function firstUse(g: Graph, v: Value): Node | undefined {
  let best: Node | undefined;
  for (const u of v.uses) {
    const n = inGraph(g, u.node);
    if (n && (!best || g.indexOf(n) < g.indexOf(best))) best = n;
  }
  return best;
}
