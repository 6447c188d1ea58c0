// One ONNX model that performs a whole training step: forward (BatchNorm in training mode), loss,
// backward and optimizer update. Trainable initializers become inputs and their updated values
// outputs, like the optimizer state and the BatchNorm running statistics, so the caller owns
// every piece of training state and feeds it back each step.

import type { Model } from "../ir/model.js";
import type { Value } from "../ir/value.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { DataType } from "../ir/dtype.js";
import { renameFresh } from "../ir/builder.js";
import { toTrainingMode } from "../autodiff/training-mode.js";
import { addMse, addSoftmaxCrossEntropy } from "../autodiff/losses.js";
import { buildGradientGraph } from "../autodiff/gradient-graph.js";
import { QuantaError } from "../errors.js";
import { appendOptimizer } from "./optimizers/append.js";
import type { OptimizerSpec } from "./optimizers/optimizer.js";
import { checkParams, trainableParams } from "./trainable-params.js";

export type LossSpec =
  /** Mean softmax cross-entropy of [batch, classes] logits against int64 labels [batch]. */
  | { kind: "cross-entropy"; output?: string }
  /** Mean squared error against a float target input shaped like the output. */
  | { kind: "mse"; output?: string };

export interface StepGraphOptions {
  /** Default: cross-entropy on the model's first output. */
  loss?: LossSpec;
  optimizer: OptimizerSpec;
  /** Clip gradients to this global L2 norm. */
  clipNorm?: number;
  /** Initializers to train (default: every float32 initializer of rank >= 1 the loss depends on). */
  params?: readonly string[];
  /**
   * Fixes the batch size (dim 0 of the data inputs when symbolic). Static shapes let the backward
   * pass fold its shape arithmetic (Shape, Size, Cast, ...) into constants: fewer, cheaper nodes.
   */
  batchSize?: number;
}

/** A piece of training state: fed as `input`, returned updated as `output`. */
export interface Slot {
  /** Checkpoint key: the initializer name for parameters and running statistics, `${param}.${state}` for optimizer state. */
  key: string;
  input: string;
  output: string;
  /** Value before the first step (zeros for optimizer state). */
  initial: Tensor;
}

export interface StepGraph {
  model: Model;
  /** Inputs of the inference model, fed from the data. */
  dataInputs: string[];
  /** int64 labels [batch] (cross-entropy) or the float target (MSE). */
  target: string;
  loss: LossSpec & { output: string };
  /** Class count of a cross-entropy output with a static last dim (labels are checked against it). */
  classes: number | null;
  /** Output: the batch's loss before the update. */
  lossOutput: string;
  /** Scalar float32 inputs: learning rate, and the 1-based update count when the optimizer reads it. */
  lr: string;
  step: string | null;
  /** Output: the global gradient norm before clipping, when clipping. */
  gradNorm: string | null;
  params: Slot[];
  state: Slot[];
  runningStats: Slot[];
}

export function buildStepGraph(inference: Model, opts: StepGraphOptions): StepGraph {
  const dataInputs = inference.graph.inputs.filter((v) => !v.initializer).map((v) => v.name);
  const { model: tm, runningStats } = toTrainingMode(inference);
  const g = tm.graph;
  if (opts.batchSize !== undefined) pinBatch(g.inputs.filter((v) => dataInputs.includes(v.name)), opts.batchSize);
  const spec = opts.loss ?? { kind: "cross-entropy" };
  const outName = spec.output ?? g.outputs[0]?.name;
  const out = g.outputs.find((v) => v.name === outName);
  if (!out) throw new QuantaError(`the model has no output "${outName}" to train (it has: ${inference.graph.outputs.map((v) => v.name).join(", ")})`, 2);
  const batchDim = opts.batchSize ?? out.shape?.[0] ?? "batch";

  let target: Value;
  let loss: Value;
  if (spec.kind === "cross-entropy") {
    if (out.shape && out.shape.length !== 2) throw new QuantaError(`cross-entropy needs [batch, classes] scores but output "${out.name}" has rank ${out.shape.length}`);
    target = g.addInput("labels", { kind: "tensor", dtype: DataType.INT64, shape: [batchDim] });
    loss = addSoftmaxCrossEntropy(g, out, target, { name: "loss" });
  } else {
    target = g.addInput("target", { kind: "tensor", dtype: DataType.FLOAT, ...(out.shape ? { shape: [batchDim, ...out.shape.slice(1)] } : {}) });
    loss = addMse(g, out, target, { name: "loss" });
  }

  const stats = new Set(runningStats.map((r) => r.input));
  const params = opts.params ? checkParams(inference.graph, opts.params) : trainableParams(g, loss, stats);
  if (params.length === 0) throw new QuantaError("the model has no float32 initializers the loss depends on: nothing to train", 2);

  const { model, gradientNames, initialValues } = buildGradientGraph(tm, { loss: loss.name, wrt: params, keep: runningStats.map((r) => r.output) });
  const mg = model.graph;
  const find = (name: string): Value => mg.findValue(name) ?? fail(`lost value "${name}" while building the step graph`);
  const gradValues = new Set(gradientNames.values());
  // The gradients feed the optimizer only: as outputs they would be copied out every step.
  for (let i = mg.outputs.length - 1; i >= 0; i--) if (gradValues.has(mg.outputs[i]!.name)) mg.outputs.splice(i, 1);

  const entries = params.map((name) => ({ name, param: find(name), grad: find(gradientNames.get(name)!) }));
  const opt = appendOptimizer(mg, model.opset, entries, opts.optimizer, { clipNorm: opts.clipNorm });
  const paramSlots: Slot[] = [];
  const stateSlots: Slot[] = [];
  opt.updates.forEach((u) => {
    const initial = initialValues.get(u.name) ?? fail(`parameter "${u.name}" has no initial value`);
    mg.addOutput(u.param);
    paramSlots.push({ key: u.name, input: u.name, output: renameFresh(u.param, `${u.name}_new`), initial });
    for (const s of u.state) {
      mg.addOutput(s.output);
      const zeros = Tensor.fromArray(DataType.FLOAT, initial.dims, new Float32Array(initial.size));
      stateSlots.push({ key: s.key, input: s.input.name, output: renameFresh(s.output, `${s.key}_new`), initial: zeros });
    }
  });
  if (opt.gradNorm) mg.addOutput(opt.gradNorm);
  const gradNorm = opt.gradNorm ? renameFresh(opt.gradNorm, "grad_norm") : null;

  const statSlots = runningStats.map((r) => ({
    key: r.input,
    input: r.input,
    output: r.output,
    initial: r.initial ?? fail(`running statistic "${r.input}" is a graph input with no value; give it an initializer`),
  }));
  return {
    model,
    dataInputs,
    target: target.name,
    loss: { ...spec, output: out.name },
    classes: spec.kind === "cross-entropy" && typeof out.shape?.[1] === "number" ? out.shape[1] : null,
    lossOutput: loss.name,
    lr: opt.lr.name,
    step: opt.step?.name ?? null,
    gradNorm,
    params: paramSlots,
    state: stateSlots,
    runningStats: statSlots,
  };
}

/** Every slot in feed order: parameters, optimizer state, running statistics. */
export function allSlots(s: Pick<StepGraph, "params" | "state" | "runningStats">): Slot[] {
  return [...s.params, ...s.state, ...s.runningStats];
}

function pinBatch(inputs: readonly Value[], batch: number): void {
  for (const v of inputs) {
    const shape = v.shape;
    if (!shape?.length || v.type?.kind !== "tensor") continue;
    const d = shape[0];
    if (typeof d === "number" && d !== batch) throw new QuantaError(`input "${v.name}" has a fixed batch size of ${d}; train it with batch ${d}`, 2);
    v.type = { ...v.type, shape: [batch, ...shape.slice(1)] };
  }
}

function fail(msg: string): never {
  throw new QuantaError(msg);
}
