// Node attributes as a typed union. Kinds the IR does not model (sparse tensors, type protos)
// are kept opaque so serde writes them back byte-for-byte.

import type { Tensor } from "./tensor/tensor.js";
import type { Graph } from "./graph.js";

export type AttributeValue =
  | { type: "float"; value: number }
  | { type: "int"; value: number }
  | { type: "string"; value: string }
  | { type: "tensor"; value: Tensor }
  | { type: "graph"; value: Graph }
  | { type: "floats"; value: number[] }
  | { type: "ints"; value: number[] }
  | { type: "strings"; value: string[] }
  | { type: "tensors"; value: Tensor[] }
  | { type: "graphs"; value: Graph[] }
  | { type: "opaque"; value: unknown };

export type Attribute = AttributeValue & {
  /** Inside a function body: the value comes from the calling node's attribute of this name. */
  refAttrName?: string;
  docString?: string;
};

export const attr = {
  float: (value: number): Attribute => ({ type: "float", value }),
  int: (value: number): Attribute => ({ type: "int", value: Math.trunc(value) }),
  string: (value: string): Attribute => ({ type: "string", value }),
  floats: (value: number[]): Attribute => ({ type: "floats", value }),
  ints: (value: number[]): Attribute => ({ type: "ints", value: value.map(Math.trunc) }),
  strings: (value: string[]): Attribute => ({ type: "strings", value }),
  tensor: (value: Tensor): Attribute => ({ type: "tensor", value }),
  graph: (value: Graph): Attribute => ({ type: "graph", value }),
};

// ONNX attributes whose type is float although their values are often whole numbers.
const FLOAT_ATTRIBUTES = new Set([
  "alpha",
  "beta",
  "bias",
  "epsilon",
  "momentum",
  "gamma",
  "lambd",
  "ratio",
  "spatial_scale",
  "cubic_coeff_a",
  "extrapolation_value",
  "seed",
  "mean",
  "scale",
  "threshold",
  "value_float",
  "value_floats",
  "min",
  "max",
  "fmod_float",
]);

export type AttrInput = number | number[] | string | string[] | Attribute | import("./tensor/tensor.js").Tensor | Graph;

/** Turns a plain JS value into an attribute, using the ONNX attribute name to pick float vs int. */
export function toAttribute(name: string, v: AttrInput): Attribute {
  if (typeof v === "number") return FLOAT_ATTRIBUTES.has(name) ? attr.float(v) : Number.isInteger(v) ? attr.int(v) : attr.float(v);
  if (typeof v === "string") return attr.string(v);
  if (Array.isArray(v)) {
    if (v.length > 0 && typeof v[0] === "string") return attr.strings(v as string[]);
    const nums = v as number[];
    return FLOAT_ATTRIBUTES.has(name) || nums.some((x) => !Number.isInteger(x)) ? attr.floats(nums) : attr.ints(nums);
  }
  if (isAttribute(v)) return v;
  if ((v as { constructor: { name: string } }).constructor.name === "Graph") return attr.graph(v as Graph);
  return attr.tensor(v as import("./tensor/tensor.js").Tensor);
}

function isAttribute(v: unknown): v is Attribute {
  return typeof v === "object" && v !== null && "type" in v && "value" in v && typeof (v as { type: unknown }).type === "string";
}
