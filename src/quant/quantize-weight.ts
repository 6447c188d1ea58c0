// Weight → integer initializers (+ DequantizeLinear): the one place static (QDQ) and dynamic
// quantization turn a float constant into quantized storage, so both write the same names,
// tensor layouts and float-twin marks.

import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";
import type { Tensor } from "../ir/tensor/tensor.js";
import { quantizeWeights, type QParams, type WeightOptions } from "./math.js";
import { quantizedTensor, scaleTensor, zeroPointTensor } from "./param-tensors.js";
import { FLOAT_TWIN_KEY } from "./float-twin.js";

export interface QuantizedWeight {
  values: Value;
  scale: Value;
  zeroPoint: Value;
  params: QParams[];
}

/**
 * Quantizes `t` (per tensor, or per channel along `axis`) into `<base>_quantized`, `<base>_scale`
 * and `<base>_zero_point` initializers of `home`, in that order. `scaleMultiplier` folds a
 * constant factor (Gemm's alpha) into the scale.
 */
export function addQuantizedWeight(home: Graph, base: string, t: Tensor, axis: number | null, opts: WeightOptions, scaleMultiplier = 1): QuantizedWeight {
  const q = quantizeWeights(t.toFloat32(), t.dims, axis, opts);
  const values = home.addInitializer(`${base}_quantized`, quantizedTensor(opts.qtype, t.dims, q.values));
  const scale = home.addInitializer(`${base}_scale`, scaleTensor(q.params, scaleMultiplier));
  const zeroPoint = home.addInitializer(`${base}_zero_point`, zeroPointTensor(q.params, opts.qtype));
  return { values, scale, zeroPoint, params: q.params };
}

export interface DequantizedWeightOptions {
  axis: number | null;
  weight: WeightOptions;
  /** Where the initializers go (default `g`): an outer graph's weight keeps its copies beside it. */
  home?: Graph;
  /** Domain of the DequantizeLinear ("com.microsoft" for 16-bit types before opset 21). */
  domain?: string;
  before: Node;
  /** Name of the DequantizeLinear output (default: derived from the node name). */
  output?: string;
}

/**
 * Constant weight `w` of graph `g` as integer initializers behind a new DequantizeLinear, whose
 * output the caller wires to the readers it chooses. Only a weight untouched since loading (not
 * refolded with a BatchNorm) is marked with its float twin.
 */
export function dequantizedWeight(g: Graph, w: Value, o: DequantizedWeightOptions): { node: Node; params: QParams[] } {
  const t = g.constantValue(w)!;
  const q = addQuantizedWeight(o.home ?? g, w.name, t, o.axis, o.weight);
  const node = g.addNode("DequantizeLinear", [q.values, q.scale, q.zeroPoint], o.axis !== null ? { axis: o.axis } : {}, {
    domain: o.domain,
    before: o.before,
    name: g.names.fresh(`${w.name}_DequantizeLinear`),
    outputs: o.output !== undefined ? [o.output] : 1,
  });
  node.output(0).type = w.type;
  if (t.origin) node.metadata.push([FLOAT_TWIN_KEY, w.name]);
  return { node, params: q.params };
}

/** Where a weight's quantized copies go: beside the float initializer (an outer graph's, for a weight an If body reads), else into `g`. */
export function weightHome(g: Graph, w: Value | null): Graph {
  return w?.initializer ? w.graph : g;
}
