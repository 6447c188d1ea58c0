// Conv followed by Add of a per-channel constant ([C], [C,1,1] or [1,C,1,1] for 2-D convs) →
// the constant becomes (or is added to) the Conv's bias. Exporters such as CNTK write biases this
// way; folded, int8 kernels get an int32 bias instead of a separate quantized Add.

import { defineRule, fail, OK, rulePass, type RulePassOptions } from "./rule.js";
import { absorb, biasNameFor, constantInput, extraUses, setConstantInput } from "./graph-edit.js";
import type { Node } from "../../ir/node.js";
import type { Pass } from "../pass.js";
import { Tensor } from "../../ir/tensor/tensor.js";
import { DataType } from "../../ir/dtype.js";

interface ConvAddMatch {
  conv: Node;
  add: Node;
  biasIndex: number;
}

export const convAddBiasRule = defineRule<ConvAddMatch>({
  name: "conv-add-bias",
  match(node) {
    if (node.opType !== "Conv" || (node.domain !== "" && node.domain !== "ai.onnx")) return null;
    const use = node.output(0).uses.find((u) => u.node.opType === "Add" && (u.node.domain === "" || u.node.domain === "ai.onnx"));
    return use ? { conv: node, add: use.node, biasIndex: 1 - use.index } : null;
  },
  check({ conv, add, biasIndex }, { graph }) {
    const shared = extraUses(conv.output(0), add);
    if (shared) return fail(`Conv output ${shared}`);
    const w = constantInput(graph, conv.input(1), "Conv weight");
    if (typeof w === "string") return fail(w);
    if (w.dtype !== DataType.FLOAT) return fail("the Conv weight is not float32");
    const b = constantInput(graph, add.input(biasIndex), "Add operand");
    if (typeof b === "string") return fail(b);
    const c = w.dims[0]!;
    const spatial = w.dims.length - 2;
    if (b.size !== c || b.dtype !== DataType.FLOAT) return fail(`Add operand has shape [${b.dims}]; only one float per output channel (${c}) is a bias`);
    const d = b.dims;
    const perChannel = (d.length === 1 && spatial === 0) || (d.length >= spatial + 1 && d.slice(-spatial).every((x) => x === 1) && d.slice(0, -spatial).filter((x) => x !== 1).length <= 1 && d[d.length - spatial - 1] === c);
    if (!perChannel) return fail(`Add operand has shape [${d}], which does not broadcast per output channel`);
    if (conv.input(2) && typeof constantInput(graph, conv.input(2), "Conv bias") === "string") return fail("the Conv bias is not a constant");
    return OK;
  },
  rewrite({ conv, add, biasIndex }, { graph }) {
    const add1 = graph.constantValue(add.input(biasIndex))!.toFloat64();
    const old = conv.input(2) ? graph.constantValue(conv.input(2))!.toFloat64() : new Float64Array(add1.length);
    const bias = Float32Array.from(old, (x, i) => x + add1[i]!);
    setConstantInput(graph, conv, 2, Tensor.fromArray(DataType.FLOAT, [bias.length], bias), conv.input(2)?.name ?? biasNameFor(conv.input(1)!));
    absorb(conv, add);
  },
});

export function convAddBias(opts: RulePassOptions = {}): Pass {
  return rulePass("conv-add-bias", [convAddBiasRule], opts);
}
