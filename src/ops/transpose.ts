// Ops that only move elements between axes: Transpose (also of tracked elements, as in
// PyTorch's pads arithmetic), DepthToSpace, SpaceToDepth.

import type { Dim } from "../ir/value.js";
import { A, defineOp, type OpDef } from "./schema.js";
import { divDims, mulDims } from "./dims.js";
import { transposeElements } from "./sym-tensor.js";

export const transposeOps: OpDef[] = [
  defineOp({
    opType: "Transpose",
    versions: [{ since: 1, inputs: ["data"], outputs: ["transposed"], attrs: { perm: A.ints() } }],
    infer: (c) => {
      const x = c.shape(0);
      const perm = c.ints("perm") ?? (x ? [...x.keys()].reverse() : undefined);
      if (x && perm && perm.length !== x.length) throw new Error(`Transpose perm [${perm}] does not fit rank ${x.length}`);
      c.out(0, c.dtype(0), x && perm ? perm.map((p) => x[p]!) : perm?.map((): Dim => null));
      const v = c.value(0);
      if (v && perm) c.outValue(0, transposeElements(v, perm));
    },
  }),
  defineOp({
    opType: "DepthToSpace",
    versions: [
      { since: 1, inputs: ["input"], outputs: ["output"], attrs: { blocksize: A.req("int") } },
      { since: 11, inputs: ["input"], outputs: ["output"], attrs: { blocksize: A.req("int"), mode: A.string("DCR") } },
    ],
    infer: (c) => {
      const x = c.shape(0);
      const b = c.int("blocksize");
      c.out(0, c.dtype(0), x && [x[0]!, divDims(x[1]!, b * b), mulDims(x[2]!, b), mulDims(x[3]!, b)]);
    },
  }),
  defineOp({
    opType: "SpaceToDepth",
    versions: [{ since: 1, inputs: ["input"], outputs: ["output"], attrs: { blocksize: A.req("int") } }],
    infer: (c) => {
      const x = c.shape(0);
      const b = c.int("blocksize");
      c.out(0, c.dtype(0), x && [x[0]!, mulDims(x[1]!, b * b), divDims(x[2]!, b), divDims(x[3]!, b)]);
    },
  }),
];
