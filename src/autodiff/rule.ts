// The shape of a gradient rule: for one forward node, given the gradients of its outputs, emit
// the nodes that compute the gradient of each input (vector-Jacobian product).

import type { Node } from "../ir/node.js";
import type { Value, Dim } from "../ir/value.js";
import type { DataType } from "../ir/dtype.js";
import type { Emitter } from "./emitter.js";

export interface GradContext {
  readonly node: Node;
  /** Emits backward nodes into the graph being differentiated. */
  readonly b: Emitter;
  readonly opset: number;
  /** Element type of the node's first input (the type its gradients are computed in). */
  readonly dtype: DataType;
  /** Forward input i; throws when the node omits it. */
  input(i: number): Value;
  /** Forward input i, or null when omitted. */
  optionalInput(i: number): Value | null;
  output(i?: number): Value;
  /** Gradient of the loss with respect to output i, or null when that output does not reach the loss. */
  grad(i?: number): Value | null;
  /** Whether input i lies on a path from a differentiated value to the loss (and is a float). */
  needsGrad(i: number): boolean;
  /** Reduces a gradient shaped like `gradShape` (default: output 0's) to `target`'s shape. */
  unbroadcast(g: Value, target: Value, gradShape?: readonly Dim[], peers?: readonly (readonly Dim[] | undefined)[]): Value;
  /**
   * For ops whose output is the numpy broadcast of all their inputs (Add, Mul, Where, ...): reduces
   * a gradient shaped like the output to input i, using the other inputs' shapes to settle dims
   * shape inference left unknown.
   */
  unbroadcastInput(g: Value, i: number): Value;
  /** Static rank of a value; throws naming the node when shape inference left it unknown. */
  rank(v: Value): number;
  /** Adds a gradient contribution to a value that is not one of this node's inputs (fused patterns). */
  accumulate(v: Value, g: Value): void;
  /** A user-facing error about this node. */
  fail(why: string): Error;
}

/** Per input: its gradient, or null/undefined when it has none (not needed, integer, constant). */
export type InputGrads = readonly (Value | null | undefined)[];

export interface GradRule {
  readonly op: string;
  readonly domain?: string;
  /**
   * Forward inputs whose values (not only shapes) the backward reads: what a memory planner must
   * keep alive. Informational; the graph keeps every forward value anyway.
   */
  readonly inputsToSave?: readonly number[];
  /** Forward outputs the backward reads, likewise. */
  readonly outputsToSave?: readonly number[];
  grad(ctx: GradContext): InputGrads;
}
