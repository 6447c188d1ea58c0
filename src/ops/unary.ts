// Elementwise ops of one tensor (math and activations): the output has the input's shape.
// Elements are tracked for the few that appear in shape arithmetic (Neg, Floor, Sqrt, ...).

import { DataType } from "../ir/dtype.js";
import { A, defineOp, type AttrSpec, type OpDef, type ShapeRule } from "./schema.js";
import { passThrough, roundHalfEven, sameAsInput } from "./common-rules.js";

function unary(opType: string, since: number, infer: ShapeRule = sameAsInput(), attrs: Record<string, AttrSpec> = {}): OpDef {
  return defineOp({ opType, versions: [{ since, inputs: ["X"], attrs }], infer });
}

const FLT_MAX = 3.4028234663852886e38;

export const unaryOps: OpDef[] = [
  unary("Abs", 1, sameAsInput(Math.abs)),
  unary("Neg", 1, sameAsInput((x) => -x)),
  unary("Reciprocal", 1, sameAsInput((x) => 1 / x)),
  unary("Sqrt", 1, sameAsInput(Math.sqrt)),
  unary("Exp", 1, sameAsInput(Math.exp)),
  unary("Log", 1, sameAsInput(Math.log)),
  unary("Floor", 1, sameAsInput(Math.floor)),
  unary("Ceil", 1, sameAsInput(Math.ceil)),
  unary("Round", 11, sameAsInput(roundHalfEven)),
  unary("Sign", 9, sameAsInput(Math.sign)),
  unary("Relu", 1, sameAsInput((x) => Math.max(x, 0))),
  unary("Erf", 9),
  unary("Sigmoid", 1),
  unary("Tanh", 1),
  unary("Softplus", 1),
  unary("Softsign", 1),
  unary("Sin", 7),
  unary("Cos", 7),
  unary("Mish", 18),
  unary("HardSwish", 14),
  unary("BitwiseNot", 18),
  unary("Not", 1, sameAsInput((x) => (x ? 0 : 1))),
  unary("IsNaN", 9, sameAsInput(undefined, DataType.BOOL)),
  unary("IsInf", 10, sameAsInput(undefined, DataType.BOOL), { detect_negative: A.int(1), detect_positive: A.int(1) }),
  unary("LeakyRelu", 1, sameAsInput(), { alpha: A.float(0.01) }),
  unary("Elu", 1, sameAsInput(), { alpha: A.float(1) }),
  unary("Celu", 12, sameAsInput(), { alpha: A.float(1) }),
  unary("Selu", 1, sameAsInput(), { alpha: A.float(1.6732632423543772), gamma: A.float(1.0507009873554805) }),
  unary("ThresholdedRelu", 10, sameAsInput(), { alpha: A.float(1) }),
  unary("HardSigmoid", 1, sameAsInput(), { alpha: A.float(0.2), beta: A.float(0.5) }),
  unary("Shrink", 9, sameAsInput(), { bias: A.float(0), lambd: A.float(0.5) }),
  unary("Gelu", 20, sameAsInput(), { approximate: A.string("none") }),
  unary("Identity", 1, passThrough),

  // Softmax-like ops coerced to 2-D before opset 13, with a different default axis.
  ...["Softmax", "LogSoftmax", "Hardmax"].map((opType) =>
    defineOp({
      opType,
      versions: [
        { since: 1, inputs: ["input"], outputs: ["output"], attrs: { axis: A.int(1) } },
        { since: 13, inputs: ["input"], outputs: ["output"], attrs: { axis: A.int(-1) } },
      ],
      infer: sameAsInput(),
    }),
  ),
  defineOp({
    opType: "Clip",
    versions: [
      { since: 1, inputs: ["input"], outputs: ["output"], attrs: { min: A.float(-FLT_MAX), max: A.float(FLT_MAX) } },
      { since: 11, inputs: ["input", "min?", "max?"], outputs: ["output"] },
    ],
    infer: sameAsInput(),
  }),
  defineOp({
    opType: "CumSum",
    versions: [{ since: 11, inputs: ["x", "axis"], attrs: { exclusive: A.int(0), reverse: A.int(0) } }],
    infer: sameAsInput(),
  }),
  defineOp({
    opType: "Trilu",
    versions: [{ since: 14, inputs: ["input", "k?"], outputs: ["output"], attrs: { upper: A.int(1) } }],
    infer: sameAsInput(),
  }),
  defineOp({
    opType: "Dropout",
    versions: [
      { since: 7, inputs: ["data"], outputs: ["output", "mask?"], attrs: { ratio: A.float(0.5) } },
      { since: 12, inputs: ["data", "ratio?", "training_mode?"], outputs: ["output", "mask?"], attrs: { seed: A.int() } },
    ],
    infer: (c) => {
      passThrough(c);
      // The mask became bool at opset 10; before, it had the data's type.
      c.out(1, c.opset >= 10 ? DataType.BOOL : c.dtype(0), c.shape(0));
    },
  }),
];
