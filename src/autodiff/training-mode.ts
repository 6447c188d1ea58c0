// Switching a model's BatchNormalization nodes to training mode: they normalize with the batch's
// statistics and output the updated running statistics (momentum * running + (1 - momentum) *
// batch, ONNX semantics), which become graph outputs. The running statistics become graph inputs
// so a training loop feeds each step's `_new` outputs back as the next step's inputs.

import type { Model } from "../ir/model.js";
import { attr } from "../ir/attribute.js";
import { upgradeOpset } from "../passes/upgrade-opset.js";
import { QuantaError } from "../errors.js";
import { DataType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { cloneModel } from "../ir/serde/clone-model.js";

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
  const copy = cloneModel(model);
  if (copy.opset < 14) {
    const up = upgradeOpset(copy, 14);
    if (!up.upgraded) throw new QuantaError(`BatchNormalization training mode needs opset 14 and the model cannot be upgraded: ${up.reason}`);
  }
  const g = copy.graph;
  const runningStats: RunningStatistic[] = [];
  for (const node of [...g.nodes]) {
    if (node.opType !== "BatchNormalization" || node.domain !== "") continue;
    const momentum = node.getFloat("momentum", 0.9)!;
    node.setAttribute("training_mode", attr.int(1));
    // With momentum 0 the statistics outputs are the batch mean and (population) variance, which
    // the backward pass reuses instead of recomputing; the running update is done here instead.
    node.setAttribute("momentum", attr.float(0));
    for (const slot of [3, 4]) {
      const stat = node.input(slot);
      if (!stat) throw new QuantaError(`${node.describe()} has no running ${slot === 3 ? "mean" : "variance"} input`);
      const index = slot - 2;
      while (node.outputs.length <= index) {
        const base = node.input(node.outputs.length + 2)!.name;
        node.attachOutput(g.createValue(`${base}_new`, stat.type));
      }
      const out = node.output(index);
      const dtype = stat.dtype ?? DataType.FLOAT;
      // ONNX Runtime's training-mode kernel aliases the statistics outputs to the statistics inputs:
      // it writes the new values into the input's buffer (a fed array included). So the node reads
      // a fresh buffer nothing else reads; with momentum 0 its value does not matter (x * 0), and
      // the running update below reads the real statistic.
      const zero = g.addInitializer(`${stat.name}_zero`, Tensor.fromArray(dtype, [], [0]));
      node.setInput(slot, g.addNode("Mul", [stat, zero], {}, { before: node }).output());
      if (momentum !== 0) {
        // out keeps its name and uses but now comes from momentum * running + (1 - momentum) * batch.
        const batch = g.createValue(`${stat.name}_batch`, stat.type);
        node.setOutput(index, batch);
        const scalar = (name: string, v: number) => g.addInitializer(name, Tensor.fromArray(dtype, [], [v]));
        const kept = g.addNode("Mul", [stat, scalar(`${stat.name}_momentum`, momentum)], {}, { after: node }).output();
        const added = g.addNode("Mul", [batch, scalar(`${stat.name}_1_minus_momentum`, 1 - momentum)], {}, { after: kept.producer! }).output();
        const sum = g.addNode("Add", [kept, added], {}, { after: added.producer!, outputs: [`${out.name}_tmp`] });
        sum.setOutput(0, out);
      }
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
