// Split: sizes from `split` (attribute before opset 13, input from 13), else equal chunks of
// ceil(dim / outputs) with a smaller last one (opset 18 num_outputs; before, chunks had to be equal).

import type { Dim } from "../ir/value.js";
import { A, defineOp, type OpDef } from "./schema.js";
import { divDims, normalizeAxis } from "./dims.js";
import { selectAlongAxes } from "./sym-tensor.js";

function chunks(d: Dim, n: number): Dim[] {
  if (typeof d !== "number") return new Array<Dim>(n).fill(divDims(d, n));
  const size = Math.ceil(d / n);
  return Array.from({ length: n }, (_, i) => (i < n - 1 ? size : d - size * (n - 1)));
}

export const splitOps: OpDef[] = [
  defineOp({
    opType: "Split",
    versions: [
      { since: 1, inputs: ["input", "split?"], outputs: ["outputs..."], attrs: { axis: A.int(0), split: A.ints() } },
      { since: 2, inputs: ["input"], outputs: ["outputs..."], attrs: { axis: A.int(0), split: A.ints() } },
      { since: 13, inputs: ["input", "split?"], outputs: ["outputs..."], attrs: { axis: A.int(0) } },
      { since: 18, inputs: ["input", "split?"], outputs: ["outputs..."], attrs: { axis: A.int(0), num_outputs: A.int() } },
    ],
    infer: (c) => {
      const x = c.shape(0);
      const n = c.outputCount;
      if (!x) {
        for (let i = 0; i < n; i++) c.out(i, c.dtype(0), undefined);
        return;
      }
      const axis = normalizeAxis(c.int("axis"), x.length);
      const split = c.arg("split");
      const sizes: Dim[] = split.kind === "known" ? split.values : split.kind === "unknown" ? new Array<Dim>(n).fill(null) : chunks(x[axis]!, n);
      if (sizes.length !== n) throw new Error(`Split has ${n} outputs but ${sizes.length} sizes`);
      let start = 0;
      const v = c.value(0);
      sizes.forEach((size, i) => {
        c.out(i, c.dtype(0), x.map((d, k) => (k === axis ? size : d)));
        if (v && typeof size === "number") {
          const picks = v.dims.map((len, k) => (k === axis ? Array.from({ length: size }, (_, j) => start + j) : [...Array(len).keys()]));
          c.outValue(i, selectAlongAxes(v, picks));
          start += size;
        }
      });
    },
  }),
];
