// (De)quantization ops: same shape as the input; the element type comes from the zero point
// (or output_dtype, else uint8) when quantizing and from the scale when dequantizing.

import { DataType } from "../ir/dtype.js";
import { A, defineOp, type OpDef } from "./schema.js";

const Q_IN = ["x", "y_scale", "y_zero_point?"];
const DQ_IN = ["x", "x_scale", "x_zero_point?"];

export const quantizeOps: OpDef[] = [
  defineOp({
    opType: "QuantizeLinear",
    versions: [
      { since: 10, inputs: Q_IN, outputs: ["y"] },
      { since: 13, inputs: Q_IN, outputs: ["y"], attrs: { axis: A.int(1) } },
      { since: 19, inputs: Q_IN, outputs: ["y"], attrs: { axis: A.int(1), saturate: A.int(1) } },
      { since: 21, inputs: Q_IN, outputs: ["y"], attrs: { axis: A.int(1), saturate: A.int(1), block_size: A.int(0), output_dtype: A.int(0) } },
    ],
    infer: (c) => {
      const declared = c.version.since >= 21 ? c.int("output_dtype") : 0;
      const dtype = c.has(2) ? c.dtype(2) : declared ? (declared as DataType) : DataType.UINT8;
      c.out(0, dtype, c.shape(0));
    },
  }),
  defineOp({
    opType: "DequantizeLinear",
    versions: [
      { since: 10, inputs: DQ_IN, outputs: ["y"] },
      { since: 13, inputs: DQ_IN, outputs: ["y"], attrs: { axis: A.int(1) } },
      { since: 21, inputs: DQ_IN, outputs: ["y"], attrs: { axis: A.int(1), block_size: A.int(0) } },
      { since: 23, inputs: DQ_IN, outputs: ["y"], attrs: { axis: A.int(1), block_size: A.int(0), output_dtype: A.int(0) } },
    ],
    infer: (c) => {
      const declared = c.version.since >= 23 ? c.int("output_dtype") : 0;
      c.out(0, declared ? (declared as DataType) : (c.dtype(1) ?? DataType.FLOAT), c.shape(0));
    },
  }),
  defineOp({
    opType: "DynamicQuantizeLinear",
    versions: [{ since: 11, inputs: ["x"], outputs: ["y", "y_scale", "y_zero_point"] }],
    infer: (c) => {
      c.out(0, DataType.UINT8, c.shape(0));
      c.out(1, DataType.FLOAT, []);
      c.out(2, DataType.UINT8, []);
    },
  }),
];
