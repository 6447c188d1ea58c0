// Ops that make tensors from attributes or scalars: Constant, ConstantOfShape (shape from a
// tracked, maybe symbolic, vector) and Range (length from constant start/limit/delta).

import type { Dim } from "../ir/value.js";
import { DataType } from "../ir/dtype.js";
import { constantNodeTensor } from "../ir/graph.js";
import { A, defineOp, type OpDef } from "./schema.js";
import { MAX_TRACKED_ELEMENTS, elementCount, symFromTensor } from "./sym-tensor.js";

export const generatorOps: OpDef[] = [
  defineOp({
    opType: "Constant",
    versions: [
      {
        since: 1,
        inputs: [],
        outputs: ["output"],
        attrs: {
          value: A.tensor(),
          sparse_value: { type: "tensor" },
          value_float: A.float(),
          value_floats: A.floats(),
          value_int: A.int(),
          value_ints: A.ints(),
          value_string: A.string(),
          value_strings: A.strings(),
        },
      },
    ],
    infer: (c) => {
      const t = constantNodeTensor(c.node);
      if (t) {
        c.out(0, t.dtype, [...t.dims]);
        c.outValue(0, symFromTensor(t));
        return;
      }
      const strings = c.node.getAttribute("value_strings");
      if (c.node.getAttribute("value_string")) c.out(0, DataType.STRING, []);
      else if (strings?.type === "strings") c.out(0, DataType.STRING, [strings.value.length]);
    },
  }),
  defineOp({
    opType: "ConstantOfShape",
    versions: [{ since: 9, inputs: ["input"], outputs: ["output"], attrs: { value: A.tensor() } }],
    infer: (c) => {
      const fill = c.tensor("value");
      const dtype = fill?.dtype ?? DataType.FLOAT;
      const shape = c.dimsOf(0);
      c.out(0, dtype, shape);
      if (!shape?.every((d): d is number => typeof d === "number") || elementCount(shape) > MAX_TRACKED_ELEMENTS) return;
      const x = fill ? (symFromTensor(fill)?.data[0] ?? null) : 0;
      c.outValue(0, { dtype, dims: shape, data: new Array<Dim>(elementCount(shape)).fill(x) });
    },
  }),
  defineOp({
    opType: "Range",
    versions: [{ since: 11, inputs: ["start", "limit", "delta"], outputs: ["output"] }],
    infer: (c) => {
      const dtype = c.dtype(0);
      const [start, limit, delta] = [0, 1, 2].map((i) => c.value(i)?.data[0] ?? null) as [Dim, Dim, Dim];
      if (typeof start === "number" && typeof limit === "number" && typeof delta === "number") {
        const n = Math.max(Math.ceil((limit - start) / delta), 0);
        c.out(0, dtype, [n]);
        if (n <= MAX_TRACKED_ELEMENTS && dtype !== undefined) c.outValue(0, { dtype, dims: [n], data: Array.from({ length: n }, (_, i) => start + i * delta) });
        return;
      }
      // range(0, n) has n elements even when n is a symbol.
      c.out(0, dtype, [start === 0 && delta === 1 ? limit : null]);
    },
  }),
];
