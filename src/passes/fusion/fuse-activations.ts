// Conv/Gemm + activation → ONNX Runtime's com.microsoft FusedConv / FusedGemm (opt-in). Standard
// ONNX has no such op, so the result runs only in ONNX Runtime; ORT makes the same fusion itself
// at load time, so this is for tools that want the fused form in the file.
//
// Attribute names follow ORT's contrib schemas (onnxruntime/core/graph/contrib_ops/contrib_defs.cc):
// FusedConv takes `activation` and `activation_params` (LeakyRelu: [alpha], Clip: [min, max],
// HardSigmoid: [alpha, beta]; the count must match, fused_activation.cc); FusedGemm takes
// `activation` and `activation_alpha`/`activation_beta`, and has no Clip (element_wise_ranged_transform.cc).

import { defineRule, fail, OK, rulePass, type RulePassOptions } from "./rule.js";
import { absorb, constantInput, dropIfUnused, extraUses } from "./graph-edit.js";
import type { Node } from "../../ir/node.js";
import type { Graph } from "../../ir/graph.js";
import type { Pass } from "../pass.js";
import { attr } from "../../ir/attribute.js";
import { DataType, dtypeName } from "../../ir/dtype.js";

export const MS_DOMAIN = "com.microsoft";

interface ActivationMatch {
  act: Node;
  head: Node;
}

const ACTIVATIONS = new Set(["Relu", "LeakyRelu", "Sigmoid", "Tanh", "Clip", "HardSigmoid"]);
const FLT_MAX = 3.4028234663852886e38;
const isDefaultDomain = (n: Node): boolean => n.domain === "" || n.domain === "ai.onnx";

export const fuseActivationsRule = defineRule<ActivationMatch>({
  name: "fuse-activations",
  match(node, { graph }) {
    if (!ACTIVATIONS.has(node.opType) || !isDefaultDomain(node)) return null;
    const head = node.input(0)?.producer;
    if (!head || head.graph !== graph || !isDefaultDomain(head) || (head.opType !== "Conv" && head.opType !== "Gemm")) return null;
    return { act: node, head };
  },
  check({ act, head }, { graph, model }) {
    const shared = extraUses(head.output(0), act);
    if (shared) return fail(`${head.opType} output ${shared}`);
    // ORT registers FusedConv and FusedGemm for float32 only.
    const dtype = head.output(0).dtype ?? act.output(0).dtype ?? head.input(0)?.dtype ?? graph.constantValue(head.input(1))?.dtype;
    if (dtype !== undefined && dtype !== DataType.FLOAT) return fail(`Fused${head.opType} runs float32 only; this ${head.opType} is ${dtypeName(dtype)}`);
    if (head.opType === "Gemm") {
      if (act.opType === "Clip") return fail("FusedGemm has no Clip activation");
      if (!head.input(2)) return fail("FusedGemm requires the bias input C; this Gemm has none");
    }
    const params = activationParams(graph, act, model.opset);
    return typeof params === "string" ? fail(params) : OK;
  },
  rewrite({ act, head }, { graph, model }) {
    const params = activationParams(graph, act, model.opset) as number[];
    const extras = act.inputs.slice(1); // Clip's min and max
    const name = act.opType;
    absorb(head, act);
    for (const v of extras) dropIfUnused(graph, v);
    head.domain = MS_DOMAIN;
    head.setAttribute("activation", attr.string(name));
    if (head.opType === "Conv") {
      head.opType = "FusedConv";
      if (params.length) head.setAttribute("activation_params", attr.floats(params));
    } else {
      head.opType = "FusedGemm";
      if (params.length > 0) head.setAttribute("activation_alpha", attr.float(params[0]!));
      if (params.length > 1) head.setAttribute("activation_beta", attr.float(params[1]!));
    }
    if (!model.opsets.has(MS_DOMAIN)) model.opsets.set(MS_DOMAIN, 1);
  },
});

/** The activation's parameters in FusedConv's activation_params order, or why they are not known. */
function activationParams(g: Graph, act: Node, opset: number): number[] | string {
  switch (act.opType) {
    case "LeakyRelu":
      return [act.getFloat("alpha", 0.01)];
    case "HardSigmoid":
      return [act.getFloat("alpha", 0.2), act.getFloat("beta", 0.5)];
    case "Clip": {
      if (opset < 11) return [act.getFloat("min", -FLT_MAX), act.getFloat("max", FLT_MAX)];
      // From opset 11 the bounds are optional inputs; fusing needs them as constants.
      const bounds: number[] = [];
      for (const [i, what, fallback] of [[1, "min", -FLT_MAX], [2, "max", FLT_MAX]] as const) {
        const v = act.input(i);
        if (!v) {
          bounds.push(fallback);
          continue;
        }
        const t = constantInput(g, v, `Clip ${what}`);
        if (typeof t === "string") return t;
        if (t.size !== 1) return `Clip ${what} has ${t.size} elements; expected a scalar`;
        bounds.push(t.toFloat64()[0]!);
      }
      return bounds;
    }
    default:
      return [];
  }
}

export function fuseActivations(opts: RulePassOptions = {}): Pass {
  return rulePass("fuse-activations", [fuseActivationsRule], opts);
}
