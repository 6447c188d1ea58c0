// Index-driven ops: Gather (data[:axis] + indices + data[axis+1:], and the Shape → Gather step
// of shape arithmetic), GatherElements, GatherND, and the scatters, which keep data's shape.

import type { Dim } from "../ir/value.js";
import { A, defineOp, type OpDef } from "./schema.js";
import { normalizeAxis } from "./dims.js";
import { gatherElements } from "./sym-tensor.js";
import { sameAsInput } from "./common-rules.js";

export const gatherOps: OpDef[] = [
  defineOp({
    opType: "Gather",
    versions: [{ since: 1, inputs: ["data", "indices"], outputs: ["output"], attrs: { axis: A.int(0) } }],
    infer: (c) => {
      const data = c.shape(0);
      const indices = c.shape(1);
      if (!data) return c.out(0, c.dtype(0), undefined);
      const axis = normalizeAxis(c.int("axis"), data.length);
      c.out(0, c.dtype(0), indices ? [...data.slice(0, axis), ...indices, ...data.slice(axis + 1)] : undefined);
      const v = c.value(0);
      const idx = c.value(1);
      const numbers = c.numbers(1);
      if (v && idx && numbers) c.outValue(0, gatherElements(v, numbers, idx.dims, axis));
    },
  }),
  defineOp({
    opType: "GatherElements",
    versions: [{ since: 11, inputs: ["data", "indices"], outputs: ["output"], attrs: { axis: A.int(0) } }],
    infer: (c) => c.out(0, c.dtype(0), c.shape(1)),
  }),
  defineOp({
    opType: "GatherND",
    versions: [
      { since: 11, inputs: ["data", "indices"], outputs: ["output"] },
      { since: 12, inputs: ["data", "indices"], outputs: ["output"], attrs: { batch_dims: A.int(0) } },
    ],
    infer: (c) => {
      const data = c.shape(0);
      const indices = c.shape(1);
      const batch = c.version.since >= 12 ? c.int("batch_dims") : 0;
      const last = indices?.[indices.length - 1];
      if (!data || !indices || typeof last !== "number") return c.out(0, c.dtype(0), undefined);
      const shape: Dim[] = [...indices.slice(0, -1), ...data.slice(batch + last)];
      c.out(0, c.dtype(0), shape);
    },
  }),
  defineOp({
    opType: "ScatterND",
    versions: [
      { since: 11, inputs: ["data", "indices", "updates"], outputs: ["output"] },
      { since: 16, inputs: ["data", "indices", "updates"], outputs: ["output"], attrs: { reduction: A.string("none") } },
    ],
    infer: sameAsInput(),
  }),
  defineOp({
    opType: "ScatterElements",
    versions: [
      { since: 11, inputs: ["data", "indices", "updates"], outputs: ["output"], attrs: { axis: A.int(0) } },
      { since: 16, inputs: ["data", "indices", "updates"], outputs: ["output"], attrs: { axis: A.int(0), reduction: A.string("none") } },
    ],
    infer: sameAsInput(),
  }),
];
