// The com.microsoft ops ONNX Runtime's quantizer and fusions emit whose shapes are simple:
// QLinear* elementwise and pooling ops, Gelu variants, and float-output integer MatMuls.

import type { Dim } from "../ir/value.js";
import { DataType } from "../ir/dtype.js";
import { A, defineOp, type OpSpec, type OpDef } from "./schema.js";
import { broadcastShapes } from "./broadcast.js";
import { addDims, normalizeAxis } from "./dims.js";
import { matmulShape } from "./matmul.js";
import { sameAsInput } from "./common-rules.js";

const MS = "com.microsoft";

function ms(spec: OpSpec): OpDef {
  return defineOp({ ...spec, domain: MS });
}

const qlinearBinary = (opType: string): OpDef =>
  ms({
    opType,
    versions: [{ since: 1, inputs: ["A", "A_scale", "A_zero_point?", "B", "B_scale", "B_zero_point?", "C_scale", "C_zero_point?"], outputs: ["C"] }],
    infer: (c) => c.out(0, c.dtype(0), broadcastShapes(c.shape(0), c.shape(3))),
  });

const qlinearUnary = (opType: string, attrs = {}): OpDef =>
  ms({ opType, versions: [{ since: 1, inputs: ["X", "X_scale", "X_zero_point?", "Y_scale", "Y_zero_point?"], attrs }], infer: sameAsInput() });

export const microsoftOps: OpDef[] = [
  qlinearBinary("QLinearAdd"),
  qlinearBinary("QLinearMul"),
  qlinearUnary("QLinearSigmoid"),
  qlinearUnary("QLinearLeakyRelu", { alpha: A.float(0.01) }),
  ms({
    opType: "QLinearGlobalAveragePool",
    versions: [{ since: 1, inputs: ["X", "x_scale", "x_zero_point", "y_scale", "y_zero_point"], attrs: { channels_last: A.int(0) } }],
    infer: (c) => {
      const x = c.shape(0);
      const last = c.int("channels_last") === 1;
      const r = x?.length ?? 0;
      c.out(0, c.dtype(0), x?.map((d, i) => (i === 0 || i === (last ? r - 1 : 1) ? d : 1)));
    },
  }),
  ms({
    opType: "QLinearConcat",
    versions: [{ since: 1, inputs: ["Y_scale", "Y_zero_point", "inputs..."], attrs: { axis: A.req("int") } }],
    infer: (c) => {
      // Inputs after the first two come in (tensor, scale, zero point) triples.
      const shapes: (Dim[] | undefined)[] = [];
      for (let i = 2; i < c.inputCount; i += 3) shapes.push(c.shape(i));
      const first = shapes.find((s) => s !== undefined);
      if (!first) return c.out(0, c.dtype(1), undefined);
      const axis = normalizeAxis(c.int("axis"), first.length);
      const total = shapes.every((s) => s) ? shapes.reduce<Dim>((acc, s) => addDims(acc, s![axis]!), 0) : null;
      c.out(0, c.dtype(1), first.map((d, i) => (i === axis ? total : d)));
    },
  }),
  ms({ opType: "Gelu", versions: [{ since: 1, inputs: ["X"] }], infer: sameAsInput() }),
  ms({ opType: "QuickGelu", versions: [{ since: 1, inputs: ["X"], attrs: { alpha: A.float(1.702) } }], infer: sameAsInput() }),
  ms({ opType: "FastGelu", versions: [{ since: 1, inputs: ["X", "bias?"] }], infer: sameAsInput() }),
  ms({ opType: "BiasGelu", versions: [{ since: 1, inputs: ["A", "B"], outputs: ["C"] }], infer: sameAsInput() }),
  ms({
    opType: "MatMulIntegerToFloat",
    versions: [{ since: 1, inputs: ["A", "B", "a_scale", "b_scale", "a_zero_point?", "b_zero_point?", "bias?"] }],
    infer: (c) => c.out(0, c.dtype(2) ?? DataType.FLOAT, matmulShape(c.shape(0), c.shape(1))),
  }),
  ms({
    opType: "DynamicQuantizeMatMul",
    versions: [{ since: 1, inputs: ["A", "B", "b_scale", "b_zero_point?", "bias?"] }],
    infer: (c) => c.out(0, c.dtype(0), matmulShape(c.shape(0), c.shape(1))),
  }),
  ms({
    opType: "MatMulNBits",
    versions: [
      {
        since: 1,
        inputs: ["A", "B", "scales", "zero_points?", "g_idx?", "bias?"],
        attrs: { K: A.req("int"), N: A.req("int"), bits: A.int(4), block_size: A.req("int"), accuracy_level: A.int(0) },
      },
    ],
    infer: (c) => {
      const a = c.shape(0);
      c.out(0, c.dtype(0), a ? [...a.slice(0, -1), c.int("N")] : undefined);
    },
  }),
];
