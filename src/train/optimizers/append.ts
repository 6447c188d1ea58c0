// Appending an optimizer to a graph that already computes gradients: the hyper-parameter and
// state inputs it needs, optional global-norm clipping, and one update per parameter. The caller
// decides which of the returned values become graph outputs.

import type { Graph } from "../../ir/graph.js";
import type { Value, ValueType } from "../../ir/value.js";
import { DataType } from "../../ir/dtype.js";
import { Emitter } from "../../autodiff/emitter.js";
import { QuantaError } from "../../errors.js";
import type { GraphOptimizer, OptimizerSpec } from "./optimizer.js";
import { sgd } from "./sgd.js";
import { adamw } from "./adamw.js";
import { clipByGlobalNorm } from "./clip.js";

export interface ParamGrad {
  /** Key of the parameter (its initializer name); state keys derive from it. */
  name: string;
  param: Value;
  grad: Value;
}

export interface StateValue {
  /** `${param}.${stateName}`, e.g. "fc.weight.m": the key in checkpoints. */
  key: string;
  input: Value;
  output: Value;
}

export interface AppendedOptimizer {
  /** Scalar float32 inputs fed each step. */
  lr: Value;
  step: Value | null;
  updates: { name: string; param: Value; state: StateValue[] }[];
  /** Global gradient norm before clipping, when clipping. */
  gradNorm: Value | null;
}

export function createOptimizer(spec: OptimizerSpec): GraphOptimizer {
  switch (spec.kind) {
    case "sgd":
      return sgd(spec);
    case "adamw":
      return adamw(spec);
    default:
      throw new QuantaError(`unknown optimizer "${(spec as { kind: string }).kind}"; use sgd or adamw`, 2);
  }
}

export function appendOptimizer(graph: Graph, opset: number, params: readonly ParamGrad[], spec: OptimizerSpec, opts: { clipNorm?: number } = {}): AppendedOptimizer {
  const optimizer = createOptimizer(spec);
  const scalar: ValueType = { kind: "tensor", dtype: DataType.FLOAT, shape: [] };
  const lr = graph.addInput("lr", scalar);
  const step = optimizer.usesStep ? graph.addInput("step", scalar) : null;
  const b = new Emitter(graph, opset, "opt");
  for (const p of params) {
    if (p.param.dtype !== undefined && p.param.dtype !== DataType.FLOAT) throw new QuantaError(`cannot train "${p.name}": only float32 parameters are supported`);
  }
  let grads = params.map((p) => p.grad);
  let gradNorm: Value | null = null;
  if (opts.clipNorm !== undefined) ({ grads, norm: gradNorm } = clipByGlobalNorm(b, grads, opts.clipNorm));
  const update = optimizer.prepare(b, { lr, step });
  const updates = params.map((p, i) => {
    const inputs = optimizer.stateNames.map((s) => graph.addInput(`${p.name}.${s}`, p.param.type));
    const r = update(p.param, grads[i]!, inputs);
    r.param.type = p.param.type;
    const state = r.state.map((output, k) => {
      output.type = p.param.type;
      return { key: inputs[k]!.name, input: inputs[k]!, output };
    });
    return { name: p.name, param: r.param, state };
  });
  return { lr, step, updates, gradNorm };
}
