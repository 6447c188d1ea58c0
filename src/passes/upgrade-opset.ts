// Moves a model to a newer default-domain opset when its ops allow it, rewriting the ops whose
// attributes became inputs on the way (Clip, Slice, Pad, Squeeze, Unsqueeze, ReduceSum, Split,
// Dropout, TopK) or that were renamed (Scatter → ScatterElements). Quantization needs it:
// QuantizeLinear appears at opset 10 and per-channel DequantizeLinear (axis) at 13. Ops whose meaning changed in ways not rewritten here are
// reported as the reason the upgrade is not possible; the model is then left unchanged.

import type { Model } from "../ir/model.js";
import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { DataType } from "../ir/dtype.js";
import { definePass, type Pass } from "./pass.js";

export interface UpgradeResult {
  from: number;
  to: number;
  upgraded: boolean;
  reason?: string;
  rewritten: number;
}

const UNSUPPORTED_BELOW: Record<string, number> = {
  // Ops whose semantics changed without a rewrite here (the version from which they are fine).
  Upsample: Infinity,
  Resize: 11,
  Scan: Infinity,
  Loop: Infinity,
  If: Infinity,
};

export function upgradeOpset(model: Model, target = 13): UpgradeResult {
  const from = model.opset;
  const res = (upgraded: boolean, reason?: string, rewritten = 0): UpgradeResult => ({ from, to: upgraded ? target : from, upgraded, rewritten, ...(reason ? { reason } : {}) });
  if (from >= target) return res(false, `already at opset ${from}`);
  if (from < 7) return res(false, `opset ${from} is older than 7 (broadcast attributes); re-export the model with a newer opset`);
  const g = model.graph;
  for (const n of g.nodes) {
    if (n.domain !== "" && n.domain !== "ai.onnx") continue;
    const limit = UNSUPPORTED_BELOW[n.opType];
    if (limit !== undefined && from < limit) return res(false, `${n.describe()} changed meaning before opset ${target} and is not converted`);
    if (n.opType === "BatchNormalization" && from < 9 && n.getInt("spatial", 1) === 0) return res(false, `${n.describe()} uses spatial=0, which opset 9 removed`);
    const why = softmaxCheck(n, from);
    if (why) return res(false, why);
  }
  let rewritten = 0;
  for (const n of [...g.nodes]) {
    if (n.domain !== "" && n.domain !== "ai.onnx") continue;
    if (rewrite(g, n, from)) rewritten++;
  }
  model.opsets.set("", target);
  if (model.opsets.has("ai.onnx")) model.opsets.delete("ai.onnx");
  model.irVersion = Math.max(model.irVersion, 7);
  return res(true, undefined, rewritten);
}

/** Before opset 13, Softmax-like ops flattened to 2-D at `axis`; equal only when axis is the last one. */
function softmaxCheck(n: Node, from: number): string | null {
  if (from >= 13 || !["Softmax", "LogSoftmax", "Hardmax"].includes(n.opType)) return null;
  const axis = n.getInt("axis", 1);
  const rank = n.input(0)?.shape?.length;
  if (axis === -1) return null;
  if (rank === undefined) return `${n.describe()}: its input rank is unknown, so opset ${from} → 13 semantics cannot be checked`;
  return axis === rank - 1 ? null : `${n.describe()} normalizes over axes ${axis}..${rank - 1}, which opset 13 expresses differently`;
}

function rewrite(g: Graph, n: Node, from: number): boolean {
  const ints = (name: string, values: number[]) => g.addInitializer(`${n.name || n.opType}_${name}`, Tensor.fromArray(DataType.INT64, [values.length], values));
  const scalar = (name: string, v: number) => g.addInitializer(`${n.name || n.opType}_${name}`, Tensor.fromArray(DataType.FLOAT, [], [v]));
  const take = (name: string) => {
    const a = n.attributes.get(name);
    n.attributes.delete(name);
    return a;
  };
  switch (n.opType) {
    case "Clip": {
      if (from >= 11) return false;
      const min = take("min");
      const max = take("max");
      n.setInput(1, min?.type === "float" ? scalar("min", min.value) : null);
      n.setInput(2, max?.type === "float" ? scalar("max", max.value) : null);
      n.truncateInputs(max ? 3 : min ? 2 : 1);
      return true;
    }
    case "Slice": {
      if (from >= 10) return false;
      const starts = take("starts");
      const ends = take("ends");
      const axes = take("axes");
      n.setInput(1, ints("starts", starts?.type === "ints" ? starts.value : []));
      n.setInput(2, ints("ends", ends?.type === "ints" ? ends.value : []));
      if (axes?.type === "ints") n.setInput(3, ints("axes", axes.value));
      return true;
    }
    case "Pad": {
      if (from >= 11) return false;
      const pads = take("pads") ?? take("paddings");
      const value = take("value");
      n.setInput(1, ints("pads", pads?.type === "ints" ? pads.value : []));
      if (value?.type === "float" && value.value !== 0) n.setInput(2, scalar("value", value.value));
      return true;
    }
    case "Squeeze":
    case "Unsqueeze":
    case "ReduceSum": {
      if (from >= 13) return false;
      const axes = take("axes");
      if (axes?.type === "ints") n.setInput(1, ints("axes", axes.value));
      return true;
    }
    case "Split": {
      if (from >= 13) return false;
      const split = take("split");
      if (split?.type === "ints") n.setInput(1, ints("split", split.value));
      return true;
    }
    case "Dropout": {
      if (from >= 12) return false;
      const ratio = take("ratio");
      take("is_test");
      if (ratio?.type === "float") n.setInput(1, scalar("ratio", ratio.value));
      return true;
    }
    case "TopK": {
      if (from >= 10) return false;
      const k = take("k");
      if (k?.type === "int") n.setInput(1, ints("k", [k.value]));
      return true;
    }
    case "Scatter": {
      // Removed in opset 11; ScatterElements (opset 11) is the same op under a new name.
      if (from >= 11) return false;
      n.opType = "ScatterElements";
      return true;
    }
    case "BatchNormalization": {
      if (from >= 9) return false;
      take("spatial");
      take("consumed_inputs");
      return true;
    }
    default:
      return false;
  }
}

/** The upgrade as a pass; `onResult` receives what happened (or why not), which reports show. */
export function upgradeOpsetPass(target: number, onResult: (r: UpgradeResult) => void = () => {}): Pass {
  return definePass("upgrade-opset", (model) => {
    const r = upgradeOpset(model, target);
    onResult(r);
    return { model, modified: r.upgraded };
  });
}
