// Pad: pads were an attribute before opset 11, an input from 11; opset 18 adds `axes`.

import type { Dim } from "../ir/value.js";
import { A, defineOp, type OpDef } from "./schema.js";
import { addDims, normalizeAxis } from "./dims.js";

export const padOps: OpDef[] = [
  defineOp({
    opType: "Pad",
    versions: [
      { since: 2, inputs: ["data"], outputs: ["output"], attrs: { mode: A.string("constant"), pads: A.req("ints"), value: A.float(0) } },
      { since: 11, inputs: ["data", "pads", "constant_value?"], outputs: ["output"], attrs: { mode: A.string("constant") } },
      { since: 18, inputs: ["data", "pads", "constant_value?", "axes?"], outputs: ["output"], attrs: { mode: A.string("constant") } },
    ],
    infer: (c) => {
      const x = c.shape(0);
      if (!x) return c.out(0, c.dtype(0), undefined);
      const pads = c.arg("pads");
      const axesArg = c.version.since >= 18 ? c.arg("axes") : ({ kind: "absent" } as const);
      if (pads.kind !== "known" || axesArg.kind === "unknown") return c.out(0, c.dtype(0), x.map((): Dim => null));
      const axes = axesArg.kind === "known" ? axesArg.values.map((a) => normalizeAxis(a, x.length)) : [...x.keys()];
      const n = axes.length;
      if (pads.values.length !== 2 * n) throw new Error(`Pad has ${pads.values.length} pads for ${n} axes`);
      const out = [...x];
      axes.forEach((a, k) => (out[a] = addDims(addDims(x[a]!, pads.values[k]!), pads.values[k + n]!)));
      c.out(0, c.dtype(0), out);
    },
  }),
];
