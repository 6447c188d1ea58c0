// Element types of a graph's values before conversion. Loaded and built models often carry no
// value_info for intermediate values, yet the conversion must know which ones hold float32, so
// declared types are used where present and the rest are propagated forward here. Only the
// element type is needed, which for nearly every op is that of its first input.

import { DataType } from "../ir/dtype.js";
import { constantNodeTensor, type Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";

const BOOL_OUTPUT = new Set(["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor", "IsNaN", "IsInf"]);
const INT64_OUTPUT = new Set(["Shape", "Size", "ArgMax", "ArgMin", "NonZero", "NonMaxSuppression"]);

/** Element type of every tensor value defined in `g` (not its subgraphs) whose type is known or follows. */
export function sourceElementTypes(g: Graph): Map<Value, DataType> {
  const types = new Map<Value, DataType>();
  const typeOf = (v: Value | null): DataType | undefined => (v ? (types.get(v) ?? v.dtype) : undefined);
  for (const v of g.inputs) if (v.dtype !== undefined) types.set(v, v.dtype);
  for (const v of g.initializers.values()) types.set(v, v.initializer!.dtype);
  for (const n of g.nodes) {
    const inferred = outputElementTypes(n, (i) => typeOf(n.input(i)));
    n.outputs.forEach((v, i) => {
      if (v.type?.kind === "other") return;
      const t = v.dtype ?? inferred[i];
      if (t !== undefined) types.set(v, t);
    });
  }
  return types;
}

/** The element types a node produces, given its inputs' (undefined where they cannot be told). */
export function outputElementTypes(n: Node, input: (i: number) => DataType | undefined): (DataType | undefined)[] {
  const count = n.outputs.length;
  const first = firstInputType(n, input);
  const all = (t: DataType | undefined): (DataType | undefined)[] => Array.from({ length: count }, () => t);
  const dtypeAttr = (fallback: DataType | undefined): DataType | undefined => (n.getInt("dtype") as DataType | undefined) ?? fallback;
  if (n.domain !== "" && n.domain !== "ai.onnx") return all(first);
  if (BOOL_OUTPUT.has(n.opType)) return all(DataType.BOOL);
  if (INT64_OUTPUT.has(n.opType)) return all(DataType.INT64);
  switch (n.opType) {
    case "Constant": {
      const a = n.getAttribute("value_string") ?? n.getAttribute("value_strings");
      return all(a ? DataType.STRING : constantNodeTensor(n)?.dtype);
    }
    case "Cast":
      return all(n.getInt("to") as DataType | undefined);
    case "CastLike":
      return all(input(1));
    case "ConstantOfShape": {
      const v = n.getAttribute("value");
      return all(v?.type === "tensor" ? v.value.dtype : DataType.FLOAT);
    }
    case "RandomNormal":
    case "RandomUniform":
      return all(dtypeAttr(DataType.FLOAT));
    case "RandomNormalLike":
    case "RandomUniformLike":
    case "EyeLike":
    case "Bernoulli":
      return all(dtypeAttr(input(0)));
    case "Multinomial":
      return all(dtypeAttr(DataType.INT32));
    case "Where":
      return all(input(1));
    case "OneHot":
      return all(input(2));
    case "TfIdfVectorizer":
      return all(DataType.FLOAT);
    case "Dropout":
      return [input(0), DataType.BOOL];
    case "MaxPool":
    case "TopK":
      return [input(0), DataType.INT64];
    case "Unique":
      return [input(0), DataType.INT64, DataType.INT64, DataType.INT64];
    case "LayerNormalization": {
      const stash = n.getInt("stash_type", DataType.FLOAT) as DataType;
      return [input(0), stash, stash];
    }
    case "QuantizeLinear":
      return all(outputDtype(n) ?? input(2) ?? DataType.UINT8);
    case "DequantizeLinear":
      return all(outputDtype(n) ?? input(1) ?? DataType.FLOAT);
    case "DynamicQuantizeLinear":
      return [DataType.UINT8, DataType.FLOAT, DataType.UINT8];
    case "QLinearConv":
    case "QLinearMatMul":
      return all(input(7) ?? first);
    case "MatMulInteger":
    case "ConvInteger":
      return all(DataType.INT32);
    case "If":
      return subgraphOutputTypes(n, "then_branch", 0, count);
    case "Loop":
      return subgraphOutputTypes(n, "body", 1, count);
    case "Scan":
      return subgraphOutputTypes(n, "body", 0, count);
    default:
      return all(first);
  }
}

// Opset 21's output_dtype; 0 (the default) means "not given".
function outputDtype(n: Node): DataType | undefined {
  return (n.getInt("output_dtype", 0) || undefined) as DataType | undefined;
}

function firstInputType(n: Node, input: (i: number) => DataType | undefined): DataType | undefined {
  for (let i = 0; i < n.inputs.length; i++) if (n.input(i)) return input(i);
  return undefined;
}

// If/Loop/Scan outputs carry their body's output types (Loop skips the condition output).
function subgraphOutputTypes(n: Node, attr: string, skip: number, count: number): (DataType | undefined)[] {
  const a = n.getAttribute(attr);
  const outs = a?.type === "graph" ? a.value.outputs : [];
  return Array.from({ length: count }, (_, i) => outs[i + skip]?.dtype);
}
