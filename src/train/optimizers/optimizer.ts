// What an optimizer is here: a recipe that emits ONNX nodes computing one parameter's update
// from its gradient and state. Per-step hyper-parameters (learning rate, step count) are graph
// inputs, so a schedule changes what is fed, never the graph; the rest are baked-in constants.

import type { Value } from "../../ir/value.js";
import type { Emitter } from "../../autodiff/emitter.js";

/** Scalar float32 graph values fed each step. */
export interface Hyper {
  lr: Value;
  /** 1-based index of the update being applied; null when the optimizer does not read it. */
  step: Value | null;
}

/** Emits the update of one parameter: new parameter value and new state, in `stateNames` order. */
export type ParamUpdate = (param: Value, grad: Value, state: readonly Value[]) => { param: Value; state: Value[] };

export interface GraphOptimizer {
  readonly kind: "sgd" | "adamw";
  /** Per-parameter state tensors, each shaped like the parameter and zero at the start. */
  readonly stateNames: readonly string[];
  readonly usesStep: boolean;
  /** Emits the scalars shared by every parameter (once per step), then returns the per-parameter emitter. */
  prepare(b: Emitter, hyper: Hyper): ParamUpdate;
}

export interface SgdSpec {
  kind: "sgd";
  /** Heavy-ball momentum (default 0: no state). */
  momentum?: number;
  /** L2 penalty added to the gradient, as torch.optim.SGD (default 0). */
  weightDecay?: number;
  nesterov?: boolean;
}

export interface AdamWSpec {
  kind: "adamw";
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay, as torch.optim.AdamW (default 0.01). */
  weightDecay?: number;
}

export type OptimizerSpec = SgdSpec | AdamWSpec;
