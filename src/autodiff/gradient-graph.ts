// A model that computes a loss and its gradients in one ONNX Runtime session: the forward graph
// followed by the backward nodes, with the differentiated weights turned into graph inputs so a
// training loop can feed updated values each step.

import type { Model } from "../ir/model.js";
import type { Value } from "../ir/value.js";
import type { Tensor } from "../ir/tensor/tensor.js";
import { isFloatType } from "../ir/dtype.js";
import { renameValue } from "../ir/builder.js";
import { inferModelShapes } from "../passes/infer-shapes.js";
import { upgradeOpset } from "../passes/upgrade-opset.js";
import { removeUnusedIn } from "../passes/remove-unused.js";
import { QuantaError } from "../errors.js";
import { differentiate } from "./walker.js";
import { cloneModel } from "../ir/serde/clone-model.js";

/** ScatterElements/ScatterND with reduction="add" (MaxPool, Gather gradients) appeared at opset 16. */
export const MIN_GRADIENT_OPSET = 16;

export interface GradientGraphOptions {
  /** Name of the value to differentiate (a float scalar, or any float tensor: its sum is used). */
  loss: string;
  /** Initializers or graph inputs to differentiate with respect to. */
  wrt: string[];
  /** Keep the forward model's other outputs after the gradients (default false). */
  keepForwardOutputs?: boolean;
  /** Forward outputs kept in any case, like the running-statistics updates of toTrainingMode. */
  keep?: readonly string[];
}

export interface GradientGraph {
  /**
   * Forward + backward. Outputs: the loss, then `${name}_grad` per `wrt` entry in order, then
   * the BatchNormalization running-statistics updates, then (keepForwardOutputs) the forward outputs.
   */
  model: Model;
  /** wrt name -> gradient output name. */
  gradientNames: Map<string, string>;
  /** Values of the wrt entries that were initializers: they are graph inputs now, fed each step. */
  initialValues: Map<string, Tensor>;
}

export function buildGradientGraph(model: Model, opts: GradientGraphOptions): GradientGraph {
  const copy = cloneModel(model);
  if (copy.opset < MIN_GRADIENT_OPSET) {
    const up = upgradeOpset(copy, MIN_GRADIENT_OPSET);
    if (!up.upgraded) throw new QuantaError(`gradients need opset ${MIN_GRADIENT_OPSET} and the model (opset ${copy.opset}) cannot be upgraded: ${up.reason}`);
  }
  const g = copy.graph;
  const loss = g.findValue(opts.loss);
  if (!loss) throw new QuantaError(`no value named "${opts.loss}" to use as the loss`);

  // Initializers cannot be overridden by feeds in ONNX Runtime: differentiated ones become plain inputs.
  const initialValues = new Map<string, Tensor>();
  const wrt = opts.wrt.map((name) => {
    const v = g.initializers.get(name) ?? g.inputs.find((i) => i.name === name);
    if (!v) throw new QuantaError(`cannot differentiate with respect to "${name}": it is not an initializer or graph input`);
    if (v.initializer) {
      initialValues.set(name, v.initializer);
      g.initializers.delete(name);
      v.initializer = undefined;
      if (!g.inputs.includes(v)) g.inputs.push(v);
    }
    return v;
  });
  inferModelShapes(copy);
  if (loss.dtype !== undefined && !isFloatType(loss.dtype)) throw new QuantaError(`the loss "${loss.name}" is not a float tensor`);

  const forwardNodes = new Set(g.nodes);
  const grads = differentiate(g, loss, wrt, { opset: copy.opset });

  const extras = g.outputs.filter((v) => v !== loss && (isRunningStatistic(v) || opts.keepForwardOutputs || opts.keep?.includes(v.name)));
  g.outputs.splice(0, g.outputs.length, loss);
  const gradientNames = new Map<string, string>();
  for (const w of wrt) {
    let gv = grads.get(w)!;
    // A gradient that is not a fresh backward value (a constant, a shared value) is copied so it can carry its own name.
    if (!gv.producer || forwardNodes.has(gv.producer) || g.outputs.includes(gv)) gv = g.addNode("Identity", [gv], {}, { name: g.names.fresh("grad/Identity") }).output(0);
    const name = `${w.name}_grad`;
    if (g.names.has(name)) throw new QuantaError(`cannot name the gradient of "${w.name}": "${name}" is already used in the model`);
    renameValue(gv, name);
    gv.type = w.type;
    g.addOutput(gv);
    gradientNames.set(w.name, name);
  }
  for (const v of extras) if (!g.outputs.includes(v)) g.addOutput(v);
  removeUnusedIn(g);
  return { model: copy, gradientNames, initialValues };
}

function isRunningStatistic(v: Value): boolean {
  const p = v.producer;
  return p !== null && p.opType === "BatchNormalization" && p.domain === "" && v.producerIndex > 0;
}
