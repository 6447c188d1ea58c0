// The one explicit registry of how each op behaves under float16 conversion. An op not listed
// here stays float32 (casts are placed around it): converting an op whose type constraints or
// numerics we have not checked could produce a model ONNX Runtime rejects or that drifts.

import type { Node } from "../ir/node.js";
import { opKey } from "../ops/op-key.js";

/** The op runs in float16; its float32 inputs and outputs become float16 unless named below. */
export interface Float16Rule {
  readonly precision: "float16";
  /** Float inputs the spec types independently that must stay float32 (Resize scales) or whose exact value matters (OneHot depth). */
  readonly float32Inputs?: readonly number[];
  /** Float outputs whose type the spec fixes to float32 (LayerNormalization's Mean and InvStdDev). */
  readonly float32Outputs?: readonly number[];
  /** Inputs of any element type that the op only inspects (Shape) or converts (Cast): never cast. */
  readonly anyTypeInputs?: readonly number[];
  /** The output element type comes from an attribute the pass retargets (Cast `to`, Constant `value`). */
  readonly typedByAttribute?: true;
  /** Why this particular node must stay float32 after all (an attribute value without a float16 kernel), if it must. */
  readonly float32When?: (n: Node) => string | undefined;
}

/** The op stays float32: float16 inputs are cast up before it and its float32 outputs cast down after it. */
export interface Float32Rule {
  readonly precision: "float32";
  readonly reason: string;
  readonly anyTypeInputs?: readonly number[];
}

export type Fp16Rule = Float16Rule | Float32Rule;

const HALF: Float16Rule = { precision: "float16" };

const RULES = new Map<string, Fp16Rule>();

function define(domain: string, rule: Fp16Rule, ...ops: string[]): void {
  for (const op of ops) {
    const k = ruleKey(domain, op);
    if (RULES.has(k)) throw new Error(`fp16 rule for ${k} is defined twice`);
    RULES.set(k, rule);
  }
}

const half = (...ops: string[]): void => define("", HALF, ...ops);
const keep = (reason: string, ...ops: string[]): void => define("", { precision: "float32", reason }, ...ops);

// Elementwise math and activations: float16 in every opset that has them.
half("Abs", "Acos", "Acosh", "Add", "Asin", "Asinh", "Atan", "Atanh", "Ceil", "Clip", "Cos", "Cosh", "Div", "Elu");
half("Erf", "Exp", "Floor", "Gelu", "HardSigmoid", "HardSwish", "LeakyRelu", "Log", "Max", "Mean", "Min", "Mish", "Mod");
half("Mul", "Neg", "Pow", "PRelu", "Reciprocal", "Relu", "Round", "Selu", "Shrink", "Sigmoid", "Sign", "Sin", "Sinh");
half("Softplus", "Softsign", "Sqrt", "Sub", "Sum", "Tan", "Tanh", "ThresholdedRelu");
half("Softmax", "LogSoftmax", "Hardmax");
half("Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "IsNaN");

// Linear algebra, convolution, pooling: the work a GPU runs faster in float16.
half("Conv", "ConvTranspose", "Gemm", "MatMul", "Einsum", "Det");
half("MaxPool", "AveragePool", "LpPool", "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool", "MaxUnpool", "MaxRoiPool", "RoiAlign");

// Normalizations. BatchNormalization's mean/var (T2 from opset 15) accept float16 too;
// LayerNormalization computes in its stash_type and its Mean/InvStdDev outputs have that type.
half("BatchNormalization", "InstanceNormalization", "GroupNormalization", "LpNormalization", "LRN");
define("", { precision: "float16", float32Outputs: [1, 2] }, "LayerNormalization");

// Reductions whose result stays within the input's range.
half("ReduceMax", "ReduceMin", "ReduceMean", "ReduceSum", "ReduceL1", "ArgMax", "ArgMin", "TopK");

// Data movement: values pass through unchanged.
half("Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Concat", "Split", "Slice", "Gather", "GatherElements");
half("GatherND", "Scatter", "Expand", "Tile", "Pad", "Identity", "Dropout", "DepthToSpace");
half("SpaceToDepth", "Where", "Compress", "ReverseSequence", "Trilu", "Unique", "GridSample", "CenterCropPad");

// Scatters that add or multiply into the data: ONNX Runtime's CPU kernels have no float16
// reduction (a plain scatter copies and converts).
const scatterReduction = (n: Node): string | undefined => {
  const r = n.getAttribute("reduction");
  return r?.type === "string" && r.value !== "none" ? `ONNX Runtime has no float16 kernel for reduction="${r.value}"` : undefined;
};
define("", { precision: "float16", float32When: scatterReduction }, "ScatterElements", "ScatterND");

// Resize/Upsample: roi may be float16 but scales are typed tensor(float) by the spec; roi is
// kept float32 too so both versions (opset 10: [X, scales]; 11+: [X, roi, scales, sizes]) fit.
define("", { precision: "float16", float32Inputs: [1, 2] }, "Resize");
define("", { precision: "float16", float32Inputs: [1] }, "Upsample");
// OneHot's depth may be a float tensor; large depths are not representable in float16.
define("", { precision: "float16", float32Inputs: [1] }, "OneHot");

// Ops that only look at a tensor's shape or convert it.
define("", { precision: "float16", anyTypeInputs: [0] }, "Shape", "Size", "NonZero", "CastLike");
define("", { precision: "float16", anyTypeInputs: [0], typedByAttribute: true }, "Cast");
define("", { precision: "float16", typedByAttribute: true }, "Constant", "ConstantOfShape");

keep("its type constraint has no float16", "Range", "NonMaxSuppression", "TfIdfVectorizer", "DynamicQuantizeLinear", "Celu");
keep("float16 only from opset 20 (an older model fails ONNX Runtime's type check)", "IsInf");
// A function op: ONNX Runtime expands it with float32 constants, which clash with float16 inputs.
keep("its function body mixes float32 constants with the input", "MeanVarianceNormalization");
keep("a dtype attribute fixes the output type", "EyeLike", "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Bernoulli", "Multinomial");
keep("sums of squares, products and running sums overflow float16's ±65504", "ReduceSumSquare", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceProd", "CumSum");
keep("spectral transforms accumulate over the whole signal", "DFT", "STFT");
keep("quantization parameters need float32 precision", "QuantizeLinear", "DequantizeLinear");
keep("subgraph bodies are not converted", "If", "Loop", "Scan");

// com.microsoft ops ONNX Runtime's fusions emit that have float16 kernels on GPU providers.
const MS = "com.microsoft";
define(MS, HALF, "Gelu", "FastGelu", "BiasGelu", "QuickGelu", "FusedMatMul");
define(MS, { precision: "float16", float32Outputs: [1, 2] }, "SkipLayerNormalization");

/** The rule for an op, or undefined when it has none (the conversion keeps such ops float32). */
export function fp16RuleFor(opType: string, domain = ""): Fp16Rule | undefined {
  return RULES.get(ruleKey(domain, opType));
}

/** Every op with a rule, as "Op" (default domain) or "domain::Op". */
export function fp16RuleOps(): string[] {
  return [...RULES.keys()];
}

function ruleKey(domain: string, opType: string): string {
  return opKey(opType, domain);
}
