// Pooling: windowed (MaxPool, AveragePool, LpPool) with ceil_mode from opset 10, and global
// pooling, which keeps N and C and shrinks every spatial dim to 1.

import type { Dim } from "../ir/value.js";
import { DataType } from "../ir/dtype.js";
import type { InferContext } from "./infer-context.js";
import { A, defineOp, type AttrSpec, type OpDef } from "./schema.js";
import { windowOutputShape } from "./window.js";

const BASE: Record<string, AttrSpec> = { auto_pad: A.string("NOTSET"), kernel_shape: A.req("ints"), pads: A.ints(), strides: A.ints() };
const CEIL: Record<string, AttrSpec> = { ceil_mode: A.int(0) };
const DILATIONS: Record<string, AttrSpec> = { dilations: A.ints() };

function poolShape(c: InferContext): Dim[] | undefined {
  const x = c.shape(0);
  const kernel = c.ints("kernel_shape");
  if (!x || !kernel) return x ? x.map((d, i) => (i < 2 ? d : null)) : undefined;
  const has = (name: string): boolean => name in c.version.attributes;
  const out = windowOutputShape(x.slice(2), {
    kernel,
    strides: c.ints("strides"),
    dilations: has("dilations") ? c.ints("dilations") : undefined,
    pads: c.ints("pads"),
    autoPad: c.string("auto_pad"),
    ceilMode: has("ceil_mode") && c.int("ceil_mode") === 1,
  });
  return [x[0] ?? null, x[1] ?? null, ...out];
}

function globalPool(opType: string, attrs: Record<string, AttrSpec> = {}): OpDef {
  return defineOp({
    opType,
    versions: [{ since: opType === "GlobalLpPool" ? 2 : 1, inputs: ["X"], attrs }],
    infer: (c) => {
      const x = c.shape(0);
      c.out(0, c.dtype(0), x?.map((d, i) => (i < 2 ? d : 1)));
    },
  });
}

export const poolOps: OpDef[] = [
  defineOp({
    opType: "MaxPool",
    versions: [
      { since: 1, inputs: ["X"], attrs: BASE },
      { since: 8, inputs: ["X"], outputs: ["Y", "Indices?"], attrs: { ...BASE, storage_order: A.int(0) } },
      { since: 10, inputs: ["X"], outputs: ["Y", "Indices?"], attrs: { ...BASE, ...CEIL, ...DILATIONS, storage_order: A.int(0) } },
    ],
    infer: (c) => {
      const y = poolShape(c);
      c.out(0, c.dtype(0), y);
      c.out(1, DataType.INT64, y);
    },
  }),
  defineOp({
    opType: "AveragePool",
    versions: [
      { since: 1, inputs: ["X"], attrs: BASE },
      { since: 7, inputs: ["X"], attrs: { ...BASE, count_include_pad: A.int(0) } },
      { since: 10, inputs: ["X"], attrs: { ...BASE, ...CEIL, count_include_pad: A.int(0) } },
      { since: 19, inputs: ["X"], attrs: { ...BASE, ...CEIL, ...DILATIONS, count_include_pad: A.int(0) } },
    ],
    infer: (c) => c.out(0, c.dtype(0), poolShape(c)),
  }),
  defineOp({
    opType: "LpPool",
    versions: [
      { since: 2, inputs: ["X"], attrs: { ...BASE, p: A.int(2) } },
      { since: 18, inputs: ["X"], attrs: { ...BASE, ...CEIL, ...DILATIONS, p: A.int(2) } },
    ],
    infer: (c) => c.out(0, c.dtype(0), poolShape(c)),
  }),
  globalPool("GlobalAveragePool"),
  globalPool("GlobalMaxPool"),
  globalPool("GlobalLpPool", { p: A.int(2) }),
];
