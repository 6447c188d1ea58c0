// Expand (broadcast to a target shape that may hold symbols) and Tile (multiply each dim).

import type { Dim } from "../ir/value.js";
import { defineOp, type OpDef } from "./schema.js";
import { broadcastShapes } from "./broadcast.js";
import { mulDims } from "./dims.js";

export const expandOps: OpDef[] = [
  defineOp({
    opType: "Expand",
    versions: [{ since: 8, inputs: ["input", "shape"], outputs: ["output"] }],
    infer: (c) => c.out(0, c.dtype(0), broadcastShapes(c.shape(0), c.dimsOf(1))),
  }),
  defineOp({
    opType: "Tile",
    versions: [
      { since: 1, inputs: ["input", "tiles", "axis"], outputs: ["output"] },
      { since: 6, inputs: ["input", "repeats"], outputs: ["output"] },
    ],
    infer: (c) => {
      const x = c.shape(0);
      if (c.version.since < 6) return c.out(0, c.dtype(0), x?.map((): Dim => null));
      const repeats = c.dimsOf(1);
      c.out(0, c.dtype(0), x?.map((d, i) => mulDims(d, repeats?.[i] ?? null)));
    },
  }),
];
