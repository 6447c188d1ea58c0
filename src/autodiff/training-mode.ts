// Switching a model's BatchNormalization nodes to training mode: they normalize with the batch's
// statistics and output the updated running statistics (momentum * running + (1 - momentum) *
// batch, ONNX semantics), which become graph outputs. The running statistics become graph inputs
// so a training loop feeds each step's `_new` outputs back as the next step's inputs.

import type { Model } from "../ir/model.js";
import type { Tensor } from "../ir/tensor/tensor.js";
import { attr } from "../ir/attribute.js";
import { parseModel } from "../ir/serde/load.js";
import { serializeModel } from "../ir/serde/save.js";
import { upgradeOpset } from "../passes/upgrade-opset.js";
import { QuantaError } from "../errors.js";

export interface RunningStatistic {
  /** Graph input holding the running mean or variance. */
  input: string;
  /** Graph output with its updated value. */
  output: string;
  /** Its value when it was an initializer (what to feed on the first step). */
  initial: Tensor | undefined;
}

export interface TrainingModel {
  model: Model;
  runningStats: RunningStatistic[];
}

/** A copy of `model` with every BatchNormalization in training mode (opset 14 semantics). */
export function toTrainingMode(model: Model): TrainingModel {
  const copy = parseModel(serializeModel(model));
  if (copy.opset < 14) {
    const up = upgradeOpset(copy, 14);
    if (!up.upgraded) throw new QuantaError(`BatchNormalization training mode needs opset 14 and the model cannot be upgraded: ${up.reason}`);
  }
  const g = copy.graph;
  const runningStats: RunningStatistic[] = [];
  for (const node of g.nodes) {
    if (node.opType !== "BatchNormalization" || node.domain !== "") continue;
    node.setAttribute("training_mode", attr.int(1));
    for (const slot of [3, 4]) {
      const stat = node.input(slot);
      if (!stat) throw new QuantaError(`${node.describe()} has no running ${slot === 3 ? "mean" : "variance"} input`);
      const index = slot - 2;
      while (node.outputs.length <= index) {
        const base = node.input(node.outputs.length + 2)!.name;
        node.attachOutput(g.createValue(`${base}_new`, stat.type));
      }
      const out = node.output(index);
      if (!g.outputs.includes(out)) g.addOutput(out);
      const initial = stat.initializer;
      if (initial) {
        g.initializers.delete(stat.name);
        stat.initializer = undefined;
        if (!g.inputs.includes(stat)) g.inputs.push(stat);
      }
      runningStats.push({ input: stat.name, output: out.name, initial });
    }
  }
  return { model: copy, runningStats };
}
