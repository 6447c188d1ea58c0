// Control flow: outputs come from subgraphs (and, for Loop/Scan, from iteration counts), so
// static inference leaves them as the model declares them.

import { A, defineOp, type OpDef } from "./schema.js";

const WHY = "outputs are produced by subgraphs; their declared types are kept";

export const controlFlowOps: OpDef[] = [
  defineOp({
    opType: "If",
    versions: [{ since: 1, inputs: ["cond"], outputs: ["outputs..."], attrs: { then_branch: A.graph(), else_branch: A.graph() } }],
    runtimeOnly: WHY,
  }),
  defineOp({
    opType: "Loop",
    versions: [{ since: 1, inputs: ["M?", "cond?", "v_initial..."], outputs: ["v_final_and_scan_outputs..."], attrs: { body: A.graph() } }],
    runtimeOnly: WHY,
  }),
  defineOp({
    opType: "Scan",
    versions: [
      {
        since: 9,
        inputs: ["initial_state_and_scan_inputs..."],
        outputs: ["final_state_and_scan_outputs..."],
        attrs: {
          body: A.graph(),
          num_scan_inputs: A.req("int"),
          scan_input_axes: A.ints(),
          scan_input_directions: A.ints(),
          scan_output_axes: A.ints(),
          scan_output_directions: A.ints(),
        },
      },
    ],
    runtimeOnly: WHY,
  }),
];
