// Folds inference-mode BatchNormalization into the Conv, ConvTranspose, Gemm or MatMul before it.
// BN computes y = (x − μ)·s + β with s = γ/√(var+ε) per channel (axis 1), which is linear, so
// it merges into the producer's weight (scaled per output channel) and bias (b·s + β − μ·s).
// Besides saving a node this matters for quantization: weights are then quantized as they are
// actually applied, and no float BN sits between quantized layers.

import { defineRule, fail, OK, rulePass, type CheckResult, type RulePassOptions } from "./rule.js";
import { absorb, biasNameFor, constantInput, dropIfUnused, extraUses, rankOf, setConstantInput } from "./graph-edit.js";
import type { Node } from "../../ir/node.js";
import type { Graph } from "../../ir/graph.js";
import type { Pass } from "../pass.js";
import { Tensor } from "../../ir/tensor/tensor.js";
import { DataType, dtypeName } from "../../ir/dtype.js";

interface ConvBnMatch {
  bn: Node;
  /** The node producing BN's input, when there is one. */
  head: Node | null;
}

const HEADS = new Set(["Conv", "ConvTranspose", "Gemm", "MatMul"]);
const BN_PARAMS = ["scale", "B", "input_mean", "input_var"] as const;

export const convBnFoldRule = defineRule<ConvBnMatch>({
  name: "conv-bn-fold",
  // Every BatchNormalization is a candidate, so a BN that stays is always reported with a reason.
  match(node) {
    if (node.opType !== "BatchNormalization" || (node.domain !== "" && node.domain !== "ai.onnx")) return null;
    return { bn: node, head: node.input(0)?.producer ?? null };
  },
  check({ bn, head }, { graph, model }) {
    if (bn.getInt("training_mode", 0) !== 0) return fail("it is in training mode (training_mode=1)");
    if (model.opset < 7 && bn.getInt("is_test", 0) === 0) return fail("it is in training mode (is_test=0)");
    for (const o of bn.outputs.slice(1)) {
      if (o.uses.length || o.isGraphOutput) return fail(`its running-statistics output "${o.name}" is used (a training graph)`);
    }
    if (model.opset < 9 && bn.getInt("spatial", 1) === 0) return fail("spatial=0 (statistics per element, not per channel) is not folded");
    const x = bn.input(0);
    if (!x) return fail("it has no input");
    if (!head || head.graph !== graph) {
      return fail(`its input "${x.name}" is not produced by a node (a graph input or constant); only BatchNormalization after Conv, ConvTranspose, Gemm or MatMul is folded`);
    }
    if (!HEADS.has(head.opType) || (head.domain !== "" && head.domain !== "ai.onnx")) {
      return fail(`its input comes from ${head.opType} "${head.name}"; only BatchNormalization after Conv, ConvTranspose, Gemm or MatMul is folded`);
    }
    const shared = extraUses(head.output(0), bn);
    if (shared) return fail(`${head.opType} output ${shared}, so the ${head.opType} must stay unnormalized`);
    let channels = -1;
    for (let i = 0; i < BN_PARAMS.length; i++) {
      const t = constantInput(graph, bn.input(i + 1), `BatchNormalization ${BN_PARAMS[i]}`);
      if (typeof t === "string") return fail(t);
      if (channels < 0) channels = t.size;
      else if (t.size !== channels) return fail(`its parameters differ in length (${channels} and ${t.size})`);
    }
    return checkHead(graph, head, channels, model.opset);
  },
  rewrite({ bn, head }, { graph }) {
    const h = head!;
    const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => graph.constantValue(bn.input(i))!.toFloat64()) as [Float64Array, Float64Array, Float64Array, Float64Array];
    const eps = bn.getFloat("epsilon", 1e-5);
    const scale = new Float64Array(gamma.length);
    const shift = new Float64Array(gamma.length);
    for (let c = 0; c < gamma.length; c++) {
      scale[c] = gamma[c]! / Math.sqrt(variance[c]! + eps);
      shift[c] = beta[c]! - mean[c]! * scale[c]!;
    }
    const params = bn.inputs.slice(1);
    absorb(h, bn);
    for (const v of params) dropIfUnused(graph, v);
    if (h.opType === "Conv" || h.opType === "ConvTranspose") foldIntoConv(graph, h, scale, shift);
    else foldIntoGemm(graph, h, scale, shift);
  },
});

function checkHead(g: Graph, head: Node, channels: number, opset: number): CheckResult {
  const op = head.opType;
  const w = constantInput(g, head.input(1), `${op} weight`);
  if (typeof w === "string") return fail(w);
  if (w.dtype !== DataType.FLOAT && w.dtype !== DataType.DOUBLE) return fail(`${op} weight is ${dtypeName(w.dtype)}; only float and double weights are folded`);
  let outChannels: number;
  if (op === "Conv" || op === "ConvTranspose") {
    if (w.dims.length < 3) return fail(`${op} weight has rank ${w.dims.length}; expected [channels, channels, kernel...]`);
    const group = head.getInt("group", 1);
    if (op === "ConvTranspose" && w.dims[0]! % group !== 0) return fail(`ConvTranspose weight has ${w.dims[0]} input channels, not divisible by group ${group}`);
    // ConvTranspose weights are [Cin, Cout/group, k...]; Conv weights [Cout, Cin/group, k...].
    outChannels = op === "Conv" ? w.dims[0]! : w.dims[1]! * group;
  } else {
    if (w.dims.length !== 2) return fail(`${op} weight has rank ${w.dims.length}; only 2-D weights are folded`);
    const transB = op === "Gemm" && head.getInt("transB", 0) !== 0;
    outChannels = transB ? w.dims[0]! : w.dims[1]!;
    if (op === "MatMul") {
      // BN normalizes axis 1, which is the weight's column axis only when the product is 2-D.
      const a = head.input(0);
      const rank = rankOf(a) ?? rankOf(head.output(0));
      if (rank === undefined) return fail(`rank of MatMul input "${a?.name}" is unknown (run shape inference first); BatchNormalization's axis 1 is the weight's column axis only for 2-D inputs`);
      if (rank !== 2) return fail(`MatMul input "${a?.name}" has rank ${rank}; BatchNormalization's axis 1 is then not the weight's column axis`);
      if (opset < 7) return fail("Gemm before opset 7 does not broadcast its bias; the folded MatMul would become a Gemm");
    }
  }
  if (outChannels !== channels) return fail(`it has ${channels} channels but ${op} produces ${outChannels}`);
  const b = head.input(2);
  if (b) {
    const bias = constantInput(g, b, `${op} bias`);
    if (typeof bias === "string") return fail(bias);
    if (op === "Gemm") {
      // C broadcasts to [M, N]; only a per-column (or scalar) C stays a per-column bias.
      const perColumn = bias.size === 1 || (bias.size === outChannels && (bias.dims.length === 1 || (bias.dims.length === 2 && bias.dims[0] === 1)));
      if (!perColumn) return fail(`Gemm bias C has shape [${bias.dims.join(",")}]; only a [N], [1,N] or scalar bias is folded`);
    } else if (bias.size !== outChannels) {
      return fail(`${op} bias has ${bias.size} elements but ${op} produces ${outChannels} channels`);
    }
  }
  return OK;
}

function store(dtype: DataType, dims: readonly number[], data: Float64Array): Tensor {
  return Tensor.fromArray(dtype, dims, dtype === DataType.DOUBLE ? data : Float32Array.from(data));
}

/** w'[oc, …] = w[oc, …]·s[oc]; b' = b·s + shift. Arithmetic in float64, stored in the weight's type. */
function foldIntoConv(g: Graph, conv: Node, scale: Float64Array, shift: Float64Array): void {
  const wv = conv.input(1)!;
  const wt = g.constantValue(wv)!;
  const w = wt.toFloat64();
  const inner = wt.dims.slice(2).reduce((a, d) => a * d, 1);
  if (conv.opType === "Conv") {
    const perOut = wt.dims[1]! * inner;
    for (let i = 0; i < w.length; i++) w[i] = w[i]! * scale[Math.floor(i / perOut)]!;
  } else {
    const [cin, perGroup] = [wt.dims[0]!, wt.dims[1]!];
    const inPerGroup = cin / conv.getInt("group", 1);
    for (let ci = 0; ci < cin; ci++) {
      const groupBase = Math.floor(ci / inPerGroup) * perGroup;
      for (let j = 0; j < perGroup; j++) {
        const s = scale[groupBase + j]!;
        for (let i = (ci * perGroup + j) * inner, end = i + inner; i < end; i++) w[i] = w[i]! * s;
      }
    }
  }
  const bias = foldBias(g.constantValue(conv.input(2))?.toFloat64(), scale, shift, 1);
  setConstantInput(g, conv, 2, store(wt.dtype, [scale.length], bias), conv.input(2)?.name ?? biasNameFor(wv));
  setConstantInput(g, conv, 1, store(wt.dtype, wt.dims, w), wv.name);
}

/** Gemm/MatMul: column n of the effective [K, N] weight scales by α·s[n]; C' = β·C·s + shift. */
function foldIntoGemm(g: Graph, node: Node, scale: Float64Array, shift: Float64Array): void {
  const isGemm = node.opType === "Gemm";
  const alpha = isGemm ? node.getFloat("alpha", 1) : 1;
  const beta = isGemm ? node.getFloat("beta", 1) : 1;
  const transB = isGemm && node.getInt("transB", 0) !== 0;
  const wv = node.input(1)!;
  const wt = g.constantValue(wv)!;
  const w = wt.toFloat64();
  const [rows, cols] = [wt.dims[0]!, wt.dims[1]!];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) w[r * cols + c] = w[r * cols + c]! * alpha * scale[transB ? r : c]!;
  }
  const c = isGemm ? g.constantValue(node.input(2))?.toFloat64() : undefined;
  const bias = foldBias(c, scale, shift, beta);
  if (!isGemm) {
    node.opType = "Gemm"; // defaults alpha = beta = 1, no transposes: Gemm(A, B', C') = A·B' + C'
  }
  node.attributes.delete("alpha");
  node.attributes.delete("beta");
  setConstantInput(g, node, 2, store(wt.dtype, [scale.length], bias), node.input(2)?.name ?? biasNameFor(wv));
  setConstantInput(g, node, 1, store(wt.dtype, wt.dims, w), wv.name);
}

/** Per-channel b·factor·s + shift, where `b` has one element per channel, one in all, or is absent. */
function foldBias(b: Float64Array | undefined, scale: Float64Array, shift: Float64Array, factor: number): Float64Array {
  const out = new Float64Array(scale.length);
  for (let c = 0; c < out.length; c++) {
    const bc = b === undefined ? 0 : b.length === 1 ? b[0]! : b[c]!;
    out[c] = bc * factor * scale[c]! + shift[c]!;
  }
  return out;
}

export function convBnFold(opts: RulePassOptions = {}): Pass {
  return rulePass("conv-bn-fold", [convBnFoldRule], opts);
}
