// Normalizations: Y is shaped like X; the extra outputs are per-channel statistics
// (BatchNormalization in training mode) or X with the normalized axes reduced to 1
// (LayerNormalization's Mean and InvStdDev, kept in the stash type).

import { DataType } from "../ir/dtype.js";
import { A, defineOp, type OpDef } from "./schema.js";
import { sameAsInput } from "./common-rules.js";
import { normalizeAxis } from "./dims.js";

const same = sameAsInput();

export const normalizationOps: OpDef[] = [
  defineOp({
    opType: "BatchNormalization",
    versions: [
      {
        since: 7,
        inputs: ["X", "scale", "B", "mean", "var"],
        outputs: ["Y", "mean?", "var?", "saved_mean?", "saved_var?"],
        attrs: { epsilon: A.float(1e-5), momentum: A.float(0.9), spatial: A.int(1) },
      },
      { since: 9, inputs: ["X", "scale", "B", "mean", "var"], outputs: ["Y", "mean?", "var?", "saved_mean?", "saved_var?"], attrs: { epsilon: A.float(1e-5), momentum: A.float(0.9) } },
      {
        since: 14,
        inputs: ["X", "scale", "B", "input_mean", "input_var"],
        outputs: ["Y", "running_mean?", "running_var?"],
        attrs: { epsilon: A.float(1e-5), momentum: A.float(0.9), training_mode: A.int(0) },
      },
    ],
    infer: (c) => {
      same(c);
      const channels = c.shape(0)?.[1] ?? c.shape(1)?.[0] ?? null;
      for (let i = 1; i < c.outputCount; i++) c.out(i, c.dtype(3) ?? c.dtype(0), [channels]);
    },
  }),
  defineOp({
    opType: "InstanceNormalization",
    versions: [{ since: 1, inputs: ["input", "scale", "B"], outputs: ["output"], attrs: { epsilon: A.float(1e-5) } }],
    infer: same,
  }),
  defineOp({
    opType: "LayerNormalization",
    versions: [{ since: 17, inputs: ["X", "Scale", "B?"], outputs: ["Y", "Mean?", "InvStdDev?"], attrs: { axis: A.int(-1), epsilon: A.float(1e-5), stash_type: A.int(1) } }],
    infer: (c) => {
      same(c);
      const x = c.shape(0);
      const axis = x ? normalizeAxis(c.int("axis"), x.length) : 0;
      const stats = x?.map((d, i) => (i < axis ? d : 1));
      const stash = c.int("stash_type") as DataType;
      c.out(1, stash, stats);
      c.out(2, stash, stats);
    },
  }),
  defineOp({
    opType: "GroupNormalization",
    versions: [
      { since: 18, inputs: ["X", "scale", "bias"], attrs: { epsilon: A.float(1e-5), num_groups: A.req("int") } },
      { since: 21, inputs: ["X", "scale", "bias"], attrs: { epsilon: A.float(1e-5), num_groups: A.req("int"), stash_type: A.int(1) } },
    ],
    infer: same,
  }),
  defineOp({ opType: "LpNormalization", versions: [{ since: 1, inputs: ["input"], outputs: ["output"], attrs: { axis: A.int(-1), p: A.int(2) } }], infer: same }),
  defineOp({ opType: "MeanVarianceNormalization", versions: [{ since: 9, inputs: ["X"], attrs: { axes: A.ints([0, 2, 3]) } }], infer: same }),
  defineOp({
    opType: "LRN",
    versions: [{ since: 1, inputs: ["X"], attrs: { alpha: A.float(0.0001), beta: A.float(0.75), bias: A.float(1), size: A.req("int") } }],
    infer: same,
  }),
];
