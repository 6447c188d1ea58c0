// K training steps in one ONNX Runtime run: the step graph becomes the body of an ONNX Loop whose
// loop-carried values are the parameters, optimizer state and running statistics. Each
// iteration reads its batch, learning rate and step count from stacks fed once per run, so a
// run costs one round trip through ONNX Runtime instead of K (per-run overhead dominates small
// models: weights are copied in and out on every run).

import { Graph } from "../ir/graph.js";
import { Model } from "../ir/model.js";
import type { Value, ValueType } from "../ir/value.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { DataType } from "../ir/dtype.js";
import { attr } from "../ir/attribute.js";
import { QuantaError } from "../errors.js";
import { allSlots, type Slot, type StepGraph } from "./step-graph.js";
import { cloneModel } from "../ir/serde/clone-model.js";

export interface LoopGraph {
  model: Model;
  /** int64 scalar input: how many steps this run takes (the stacks hold that many). */
  steps: string;
  /** Step-graph input (data inputs and the target) -> outer input stacking one per step: [steps, ...]. */
  stacked: Map<string, string>;
  /** float32 [steps]: the learning rate of each step. */
  lrs: string;
  /** float32 scalar: 1-based update count of the run's first step (when the optimizer reads it). */
  firstStep: string | null;
  /** float32 [steps] outputs: each step's loss, and gradient norm when clipping. */
  losses: string;
  gradNorms: string | null;
  /** The step graph's slots, with input/output renamed to the loop model's names. */
  params: Slot[];
  state: Slot[];
  runningStats: Slot[];
}

const tensorType = (dtype: DataType, shape: (number | string | null)[]): ValueType => ({ kind: "tensor", dtype, shape });

export function buildLoopGraph(step: StepGraph): LoopGraph {
  const copy = cloneModel(step.model);
  const body = copy.graph;
  body.name = "train_step";
  const outer = new Graph("train_loop", body.names);
  const model = new Model(outer, { irVersion: copy.irVersion, opsets: Object.fromEntries(copy.opsets) });
  model.producerName = copy.producerName;
  model.producerVersion = copy.producerVersion;

  const bodyInput = (name: string): Value => body.inputs.find((v) => v.name === name) ?? fail(`the step graph has no input "${name}"`);
  const iter = body.createValue("loop/iteration", tensorType(DataType.INT64, []));
  const cond = body.createValue("loop/condition", tensorType(DataType.BOOL, []));
  const first = body.nodes[0]!;
  // Makes a body input the output of `node` (inserted at the start of the body) instead.
  const produceBy = (inner: Value, opType: string, inputs: Value[], attrs: Record<string, number> = {}): void => {
    const n = body.addNode(opType, inputs, attrs, { before: first, name: body.names.fresh(`loop/${opType}`) });
    n.setOutput(0, inner);
    body.inputs.splice(body.inputs.indexOf(inner), 1);
  };

  const steps = outer.addInput("steps", tensorType(DataType.INT64, []));
  const stacked = new Map<string, string>();
  for (const name of [...step.dataInputs, step.target]) {
    const inner = bodyInput(name);
    const dtype = inner.dtype ?? fail(`step-graph input "${name}" has no element type`);
    const stack = outer.addInput(`${name}_steps`, tensorType(dtype, ["steps", ...(inner.shape ?? [])]));
    produceBy(inner, "Gather", [stack, iter], { axis: 0 });
    stacked.set(name, stack.name);
  }
  const lrs = outer.addInput("lrs", tensorType(DataType.FLOAT, ["steps"]));
  produceBy(bodyInput(step.lr), "Gather", [lrs, iter], { axis: 0 });
  let firstStep: Value | null = null;
  if (step.step) {
    firstStep = outer.addInput("first_step", tensorType(DataType.FLOAT, []));
    const offset = body.createValue("loop/iteration_float", tensorType(DataType.FLOAT, []));
    const cast = body.addNode("Cast", [iter], { to: DataType.FLOAT }, { before: first, name: body.names.fresh("loop/Cast") });
    cast.setOutput(0, offset);
    produceBy(bodyInput(step.step), "Add", [firstStep, offset]);
  }

  const slots = allSlots(step);
  const carriedIn = slots.map((s) => bodyInput(s.input));
  const stray = body.inputs.filter((v) => !carriedIn.includes(v));
  if (stray.length) fail(`the step graph has inputs the loop does not feed: ${stray.map((v) => v.name).join(", ")}`);
  body.inputs.splice(0, body.inputs.length, iter, cond, ...carriedIn);

  const bodyOutput = (name: string): Value => body.outputs.find((v) => v.name === name) ?? fail(`the step graph has no output "${name}"`);
  const condOut = body.addNode("Identity", [cond], {}, { name: body.names.fresh("loop/Identity") }).output(0);
  condOut.type = tensorType(DataType.BOOL, []);
  const scans = [step.lossOutput, ...(step.gradNorm ? [step.gradNorm] : [])].map(bodyOutput);
  body.outputs.splice(0, body.outputs.length, condOut, ...slots.map((s) => bodyOutput(s.output)), ...scans);

  const outerIn = carriedIn.map((v) => outer.addInput(`loop/${v.name}`, v.type));
  const always = outer.addInitializer("loop/true", Tensor.fromArray(DataType.BOOL, [], Uint8Array.of(1)));
  const loop = outer.addNode("Loop", [steps, always, ...outerIn], { body: attr.graph(body) }, {
    name: "train_loop",
    outputs: [...slots.map((s) => `loop/${s.output}`), "losses", ...(step.gradNorm ? ["grad_norms"] : [])],
  });
  loop.outputs.forEach((v, i) => {
    v.type = i < slots.length ? carriedIn[i]!.type : tensorType(DataType.FLOAT, ["steps"]);
    outer.addOutput(v);
  });

  const rename = (s: Slot, i: number): Slot => ({ ...s, input: outerIn[i]!.name, output: loop.output(i).name });
  const renamed = slots.map(rename);
  const [np, ns] = [step.params.length, step.state.length];
  return {
    model,
    steps: steps.name,
    stacked,
    lrs: lrs.name,
    firstStep: firstStep?.name ?? null,
    losses: loop.output(slots.length).name,
    gradNorms: step.gradNorm ? loop.output(slots.length + 1).name : null,
    params: renamed.slice(0, np),
    state: renamed.slice(np, np + ns),
    runningStats: renamed.slice(np + ns),
  };
}

function fail(msg: string): never {
  throw new QuantaError(msg);
}
