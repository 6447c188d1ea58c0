// Ops whose float32 output type is set by an attribute rather than by an input: Cast (`to`),
// Constant (`value`, `value_float`, `value_floats`) and ConstantOfShape (`value`, float32 zero
// when absent). Converting such a node means rewriting that attribute.

import { attr } from "../ir/attribute.js";
import { DataType } from "../ir/dtype.js";
import type { Node } from "../ir/node.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { tensorToFloat16, type RangeCounts } from "./convert-tensor.js";

export type RetypeResult = "cast" | "constant" | undefined;

/** Makes a float16-running node of these kinds produce float16; says what it changed. */
export function retypeAttributes(n: Node, counts: RangeCounts, minPositive?: number): RetypeResult {
  if (n.domain !== "" && n.domain !== "ai.onnx") return undefined;
  switch (n.opType) {
    case "Cast":
      if (n.getInt("to") !== DataType.FLOAT) return undefined;
      n.setAttribute("to", attr.int(DataType.FLOAT16));
      return "cast";
    case "Constant":
      return retypeConstant(n, counts, minPositive);
    case "ConstantOfShape": {
      const v = n.getAttribute("value");
      if (v && (v.type !== "tensor" || v.value.dtype !== DataType.FLOAT)) return undefined;
      const t = v?.type === "tensor" ? v.value : Tensor.fromArray(DataType.FLOAT, [1], [0]);
      n.setAttribute("value", attr.tensor(tensorToFloat16(t, counts, minPositive)));
      return "constant";
    }
    default:
      return undefined;
  }
}

function retypeConstant(n: Node, counts: RangeCounts, minPositive?: number): RetypeResult {
  for (const [name, a] of n.attributes) {
    let t: Tensor | undefined;
    if (name === "value" && a.type === "tensor" && a.value.dtype === DataType.FLOAT) t = a.value;
    else if (name === "value_float" && a.type === "float") t = Tensor.fromArray(DataType.FLOAT, [], [a.value]);
    else if (name === "value_floats" && a.type === "floats") t = Tensor.fromArray(DataType.FLOAT, [a.value.length], a.value);
    if (!t) continue;
    // value_float(s) cannot hold float16: the data moves to a `value` tensor.
    n.attributes.delete(name);
    n.setAttribute("value", attr.tensor(tensorToFloat16(t, counts, minPositive)));
    return "constant";
  }
  return undefined;
}
