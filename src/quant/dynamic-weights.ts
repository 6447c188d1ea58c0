// Dynamic quantization of weights: int8 ahead of time; activations are quantized at run time.
// MatMul/Gemm with constant weights become DynamicQuantizeLinear → MatMulInteger → Cast →
// Mul(a_scale × w_scale), the pattern ONNX Runtime fuses into one int8 kernel
// (DynamicQuantizeMatMul). Conv weights follow the configured strategy (see dynamic-config.ts).
// The other steps of the dynamic pipeline (embedding tables, Add→LayerNorm as Sum, cleanup) are
// passes of their own; pipelines.ts lists them.

import type { Model } from "../ir/model.js";
import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { DataType } from "../ir/dtype.js";
import { QuantaError } from "../errors.js";
import { renameValue } from "../ir/builder.js";
import { quantizeWeights, type WeightOptions } from "./math.js";
import { targetInfo } from "./target.js";
import { quantizedTensor, zeroPointTensor } from "./param-tensors.js";
import type { QType } from "./qtype.js";
import type { DynamicQuantConfig } from "./dynamic-config.js";
import { FLOAT_TWIN_KEY } from "./float-twin.js";
import { addQuantizedWeight, dequantizedWeight, weightHome } from "./quantize-weight.js";

export interface DynamicReport {
  matmuls: number;
  gemms: number;
  convs: number;
  tables: number;
  /** Adds before a LayerNormalization written as Sum so ORT keeps them out of SkipLayerNormalization. */
  residualSums: number;
  /** Of the ops counted above, those inside If/Loop/Scan bodies. */
  inSubgraphs: number;
  skipped: { node: string; op: string; reason: string }[];
}

export function emptyDynamicReport(): DynamicReport {
  return { matmuls: 0, gemms: 0, convs: 0, tables: 0, residualSums: 0, inSubgraphs: 0, skipped: [] };
}

/**
 * MatMul, Gemm and Conv weights of `model` quantized in place, counted into `report`. Ops inside
 * If/Loop/Scan bodies are quantized like those of the main graph (weights are constants there
 * too); a quantized copy of a weight goes to the graph that held the float one, so branches
 * reading one outer weight all see it. Float weights left unused stay until the pipeline's
 * remove-unused step.
 */
export function quantizeDynamicWeights(model: Model, config: DynamicQuantConfig, report: DynamicReport): void {
  quantizeGraph(model.graph, config, report);
}

/** Whether `config` quantizes embedding tables (Gather/Slice on a large constant). */
export function dynamicTablesWanted(config: DynamicQuantConfig): boolean {
  return config.embeddings && (!config.ops || config.ops.includes("Gather") || config.ops.includes("Slice"));
}

/**
 * DynamicQuantizeLinear appears at opset 11, DequantizeLinear at 10, and before opset 7 Mul does
 * not broadcast (ONNX Runtime has no kernel for it): refuse rather than write a model whose opset
 * lacks the ops just added. The model is left half-rewritten: discard it.
 */
export function checkDynamicOpset(model: Model, report: DynamicReport): void {
  if (model.opset < 11 && report.matmuls + report.gemms + report.convs + report.tables > 0) {
    throw new QuantaError(`dynamic quantization adds opset-11 ops (DynamicQuantizeLinear); the model uses opset ${model.opset} and could not be upgraded: re-export it with a newer opset`);
  }
}

function quantizeGraph(g: Graph, config: DynamicQuantConfig, report: DynamicReport): void {
  const wanted = (n: Node) => (config.ops ? config.ops.includes(n.opType) : true) && !config.exclude.includes(n.opType) && !(n.name && config.exclude.includes(n.name));
  const nested = g.ownerNode !== null;
  for (const n of [...g.nodes]) {
    for (const sub of n.subgraphs()) quantizeGraph(sub, config, report);
    if (n.domain !== "" || !wanted(n)) continue;
    const skip = (reason: string) => report.skipped.push({ node: n.name, op: n.opType, reason });
    const done = (kind: "matmuls" | "gemms" | "convs") => (report[kind]++, nested && report.inSubgraphs++);
    switch (n.opType) {
      case "MatMul": {
        const why = matmulCheck(g, n, 1, config);
        if (why) skip(why);
        else (quantizeMatMul(g, n, g.constantValue(n.input(1))!, null, 1, config), done("matmuls"));
        break;
      }
      case "Gemm": {
        const why = n.getInt("transA", 0) ? "transA=1" : matmulCheck(g, n, 1, config);
        if (why) skip(why);
        else (quantizeGemm(g, n, config), done("gemms"));
        break;
      }
      case "Conv":
      case "ConvTranspose": {
        if (config.conv === "none") break;
        const w = g.constantValue(n.input(1));
        if (!w || w.dtype !== DataType.FLOAT) skip("the weight is not a constant float initializer");
        else if (w.size < config.minElements) skip(`the weight has fewer than ${config.minElements} elements`);
        else if (config.conv === "weight-only") (castScaledWeight(g, n, 1, n.opType === "Conv" ? 0 : 1, config.weightType), done("convs"));
        else if (config.conv === "dequantize") (dequantizedConvWeight(g, n, 1, n.opType === "Conv" && config.perChannel ? 0 : null, config.weightType), done("convs"));
        else if (n.opType === "Conv") (convInteger(g, n, config), done("convs"));
        else skip("ConvInteger has no transposed form");
        break;
      }
    }
  }
}

function matmulCheck(g: Graph, n: Node, wi: number, config: DynamicQuantConfig): string | null {
  const w = g.constantValue(n.input(wi));
  if (!w) return "the weight is not a constant initializer";
  if (w.dtype !== DataType.FLOAT) return "the weight is not float32";
  if (w.dims.length !== 2) return `the weight has rank ${w.dims.length}, not 2`;
  if (w.size < config.minElements) return `the weight has fewer than ${config.minElements} elements`;
  const a = n.input(0);
  if (!a || (a.dtype !== undefined && a.dtype !== DataType.FLOAT)) return "the input is not float32";
  return null;
}

/**
 * Replaces `n` (output y = A × W [+ bias] [× alpha]) by the dynamic int8 pattern. `weight` is
 * the [K, N] weight as float32 values (already transposed for Gemm).
 */
function quantizeMatMul(g: Graph, n: Node, weight: Tensor, bias: Value | null, alpha: number, config: DynamicQuantConfig): void {
  const a = n.input(0)!;
  const y = n.output(0);
  const base = n.name || y.name;
  const w = addQuantizedWeight(weightHome(g, n.input(1)), `${base}_W`, weight, config.perChannel ? 1 : null, { ...integerGemmWeights(config, 1), name: n.input(1)?.name ?? base }, alpha);
  const [wq, ws, wzp] = [w.values, w.scale, w.zeroPoint];
  const [aq, as, azp] = g.addNode("DynamicQuantizeLinear", [a], {}, { before: n, outputs: 3, name: g.names.fresh(`${base}_DynamicQuantizeLinear`) }).outputs as [Value, Value, Value];
  const mmi = g.addNode("MatMulInteger", [aq, wq, azp, wzp], {}, { before: n, name: g.names.fresh(`${base}_MatMulInteger`) }).output(0);
  const scale = g.addNode("Mul", [as, ws], {}, { before: n, name: g.names.fresh(`${base}_scale_Mul`) }).output(0);
  const f = g.addNode("Cast", [mmi], { to: DataType.FLOAT }, { before: n, name: g.names.fresh(`${base}_Cast`) }).output(0);
  let out = g.addNode("Mul", [f, scale], {}, { before: n, name: g.names.fresh(`${base}_output_Mul`) }).output(0);
  if (bias) out = g.addNode("Add", [out, bias], {}, { before: n, name: g.names.fresh(`${base}_bias_Add`) }).output(0);
  out.type = y.type;
  replaceOutput(g, n, y, out);
}

function quantizeGemm(g: Graph, n: Node, config: DynamicQuantConfig): void {
  const b = g.constantValue(n.input(1))!;
  const w = n.getInt("transB", 0) ? transpose2d(b) : b;
  let bias = n.input(2);
  const beta = n.getFloat("beta", 1);
  if (bias && beta !== 1) {
    const c = g.constantValue(bias);
    bias = c ? g.addInitializer(`${bias.name}_beta`, Tensor.fromArray(DataType.FLOAT, c.dims, Float32Array.from(c.toFloat64(), (x) => x * beta))) : null;
    if (!bias) throw new Error(`${n.describe()}: a non-constant bias with beta ≠ 1 is not supported`);
  }
  quantizeMatMul(g, n, w, bias, n.getFloat("alpha", 1), config);
}

/**
 * int8 weight (symmetric, per output channel) restored as Cast(int8→float) × scale. Both ops
 * have constant inputs, so ONNX Runtime folds them into a float weight when the session
 * starts (DequantizeLinear is deliberately not folded): int8 on disk, fp32 kernels at run time.
 */
function castScaledWeight(g: Graph, n: Node, wi: number, axis: number, qtype: QType): void {
  const w = n.input(wi)!;
  const t = g.constantValue(w)!;
  const q = quantizeWeights(t.toFloat32(), t.dims, axis, { qtype, symmetric: true, name: w.name });
  const base = w.name;
  const h = weightHome(g, w);
  const wq = h.addInitializer(`${base}_quantized`, quantizedTensor(qtype, t.dims, q.values));
  const shape = t.dims.map((d, i) => (i === axis ? d : 1));
  const s = h.addInitializer(`${base}_scale`, Tensor.fromArray(DataType.FLOAT, shape, Float32Array.from(q.params, (p) => p.scale)));
  const f = g.addNode("Cast", [wq], { to: DataType.FLOAT }, { before: n, name: g.names.fresh(`${base}_Cast`) }).output(0);
  const mul = g.addNode("Mul", [f, s], {}, { before: n, name: g.names.fresh(`${base}_scale_Mul`) });
  if (t.origin) mul.metadata.push([FLOAT_TWIN_KEY, base]); // untouched weights only (not BN-folded)
  mul.output(0).type = w.type;
  n.setInput(wi, mul.output(0));
}

/** int8 weight + DequantizeLinear in front of the node: smaller file, same float kernel. */
function dequantizedConvWeight(g: Graph, n: Node, wi: number, axis: number | null, qtype: QType): void {
  const w = n.input(wi)!;
  const { node: dq } = dequantizedWeight(g, w, { axis, weight: { qtype, symmetric: qtype === "int8", name: w.name }, home: weightHome(g, w), before: n });
  n.setInput(wi, dq.output(0));
}

/**
 * Weight options for MatMulInteger/ConvInteger, which run ONNX Runtime's u8×s8 GEMM: s8 weights
 * get the target's pair limit (their pair sums saturate on x86 without VNNI); u8 weights run the
 * u8×u8 kernel, which widens to int16 first.
 */
function integerGemmWeights(config: DynamicQuantConfig, outputAxis: number): WeightOptions {
  const pairLimit = config.weightType === "int8" ? targetInfo(config.target).pairLimit : null;
  return { qtype: config.weightType, symmetric: config.weightType === "int8", ...(pairLimit !== null ? { pairLimit, outputAxis } : {}) };
}

/** ConvInteger with a dynamically quantized input (slow on x86 CPUs; offered for comparison). */
function convInteger(g: Graph, n: Node, config: DynamicQuantConfig): void {
  const x = n.input(0)!;
  const y = n.output(0);
  const t = g.constantValue(n.input(1))!;
  const base = n.name || y.name;
  // ConvInteger takes one weight zero point per output channel at most; scales multiply afterwards.
  const q = quantizeWeights(t.toFloat32(), t.dims, config.perChannel ? 0 : null, { ...integerGemmWeights(config, 0), name: n.input(1)!.name });
  const wq = g.addInitializer(`${base}_W_quantized`, quantizedTensor(config.weightType, t.dims, q.values));
  const wzp = g.addInitializer(`${base}_W_zero_point`, zeroPointTensor(q.params, config.weightType));
  const channelScale = q.params.length > 1 ? [q.params.length, 1, 1] : [];
  const ws = g.addInitializer(`${base}_W_scale`, Tensor.fromArray(DataType.FLOAT, channelScale, Float32Array.from(q.params, (p) => p.scale)));
  const [xq, xs, xzp] = g.addNode("DynamicQuantizeLinear", [x], {}, { before: n, outputs: 3 }).outputs as [Value, Value, Value];
  const ci = g.addNode("ConvInteger", [xq, wq, xzp, wzp], Object.fromEntries([...n.attributes].map(([k, a]) => [k, a])), { before: n }).output(0);
  const f = g.addNode("Cast", [ci], { to: DataType.FLOAT }, { before: n }).output(0);
  const scale = g.addNode("Mul", [xs, ws], {}, { before: n }).output(0);
  let out = g.addNode("Mul", [f, scale], {}, { before: n }).output(0);
  const bias = n.input(2);
  if (bias) {
    const shape = g.addInitializer(`${base}_bias_shape`, Tensor.fromArray(DataType.INT64, [3], [-1, 1, 1]));
    const b3 = g.addNode("Reshape", [bias, shape], {}, { before: n }).output(0);
    out = g.addNode("Add", [out, b3], {}, { before: n }).output(0);
  }
  out.type = y.type;
  replaceOutput(g, n, y, out);
}

/** Readers of `y` (and the graph output slot) move to `out`; `out` takes y's name. */
function replaceOutput(g: Graph, n: Node, y: Value, out: Value): void {
  y.replaceAllUsesWith(out);
  const name = y.name;
  g.removeNode(n);
  g.names.release(name);
  renameValue(out, name);
}

function transpose2d(t: Tensor): Tensor {
  const [r, c] = t.dims as [number, number];
  const v = t.toFloat32();
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = v[i * c + j]!;
  return Tensor.fromArray(DataType.FLOAT, [c, r], out);
}

