// Reverse-mode differentiation of one graph: walks the forward nodes from the loss back to the
// differentiated values, asks each node's rule for its input gradients, and sums the
// contributions of values read more than once. The backward nodes are appended to the same graph.

import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import type { Value, Dim } from "../ir/value.js";
import { isFloatType, DataType } from "../ir/dtype.js";
import { QuantaError } from "../errors.js";
import { Emitter, dtypeOf, staticDims } from "./emitter.js";
import { unbroadcast } from "./unbroadcast.js";
import type { GradContext, GradRule } from "./rule.js";
import { GRADIENT_RULES } from "./rules/index.js";
import { opKey } from "../ops/op-key.js";

export interface DifferentiateContext {
  /** Default-domain opset of the model the graph belongs to: decides attribute vs input forms. */
  opset: number;
  /** Name prefix of the emitted nodes and constants (default "grad"). */
  prefix?: string;
  /** Rules by op type (default: the built-in registry); "domain:op" keys for other domains. */
  rules?: ReadonlyMap<string, GradRule>;
}

/**
 * Appends to `graph` the nodes computing d(sum of `loss`)/d(w) for each `w` in `wrt`, and returns
 * those gradient values (zeros for a `w` the loss does not depend on). Values should carry the
 * types shape inference gives them: static shapes make the backward graph smaller, and ranks are
 * required by the rules of axis-dependent ops.
 */
export function differentiate(graph: Graph, loss: Value, wrt: readonly Value[], ctx: DifferentiateContext): Map<Value, Value> {
  const rules = ctx.rules ?? GRADIENT_RULES;
  const b = new Emitter(graph, ctx.opset, ctx.prefix ?? "grad");
  const forward = nodesReaching(loss);
  const active = activeValues(forward, wrt);
  const contributions = new Map<Value, Value[]>();

  // The gradient of a value: its contributions summed once, on first read. It has the value's
  // type, which rules read for static shapes.
  const gradOf = (v: Value): Value | null => {
    const cs = contributions.get(v);
    if (!cs?.length) return null;
    if (cs.length > 1) contributions.set(v, [b.sum(cs)]);
    const g = contributions.get(v)![0]!;
    if (!g.type && v.type) g.type = v.type;
    return g;
  };
  const contribute = (v: Value, g: Value): void => {
    if (!active.has(v)) return;
    const cs = contributions.get(v);
    if (cs) cs.push(g);
    else contributions.set(v, [g]);
  };

  const lossDims = staticDims(loss.shape);
  contributions.set(loss, [b.fill(lossDims ?? b.shapeOf(loss), 1, dtypeOf(loss))]);

  for (let i = forward.length - 1; i >= 0; i--) {
    const node = forward[i]!;
    if (!node.outputs.some((o) => active.has(o))) continue;
    const outGrads = node.outputs.map((o) => gradOf(o));
    if (outGrads.every((g) => g === null)) continue;
    const rule = rules.get(opKey(node.opType, node.domain));
    if (!rule) throw new QuantaError(`cannot differentiate ${node.describe()}: there is no gradient rule for ${node.opType}`);
    const gctx = new RuleContext(node, b, outGrads, active, contribute);
    const grads = rule.grad(gctx);
    node.inputs.forEach((v, k) => {
      const g = grads[k];
      if (v && g && gctx.needsGrad(k)) contribute(v, g);
    });
  }

  const out = new Map<Value, Value>();
  for (const w of wrt) out.set(w, gradOf(w) ?? b.zerosLike(w));
  return out;
}

/**
 * The nodes the loss depends on, in topological order (depth-first post-order over producers),
 * whatever order the graph lists them in. Walking it backwards visits every consumer of a value
 * before its producer, so a value's gradient is complete when it is read.
 */
function nodesReaching(loss: Value): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>();
  const root = loss.producer;
  if (!root) return order;
  const stack: [Node, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [node, next] = top;
    if (next < node.inputs.length) {
      top[1]++;
      const p = node.inputs[next]?.producer;
      if (p && !seen.has(p)) {
        seen.add(p);
        stack.push([p, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order;
}

/**
 * Values on a path from some `wrt` value to the loss: the only ones that get gradients. `nodes`
 * are those the loss depends on, so every output reached from `wrt` through them reaches the loss.
 */
function activeValues(nodes: readonly Node[], wrt: readonly Value[]): Set<Value> {
  const active = new Set<Value>(wrt);
  for (const n of nodes) {
    if (n.inputs.some((v) => v && active.has(v))) for (const o of n.outputs) active.add(o);
  }
  return active;
}

class RuleContext implements GradContext {
  readonly opset: number;
  readonly dtype: DataType;

  constructor(
    readonly node: Node,
    readonly b: Emitter,
    private readonly outGrads: readonly (Value | null)[],
    private readonly active: ReadonlySet<Value>,
    private readonly contribute: (v: Value, g: Value) => void,
  ) {
    this.opset = b.opset;
    this.dtype = dtypeOf(node.input(0) ?? node.output(0));
  }

  input(i: number): Value {
    const v = this.node.input(i);
    if (!v) throw this.fail(`input ${i} is missing`);
    return v;
  }

  optionalInput(i: number): Value | null {
    return this.node.input(i);
  }

  output(i = 0): Value {
    return this.node.output(i);
  }

  grad(i = 0): Value | null {
    return this.outGrads[i] ?? null;
  }

  needsGrad(i: number): boolean {
    const v = this.node.input(i);
    if (!v || !this.active.has(v)) return false;
    const t = v.dtype;
    // Unknown types are differentiated; integer and bool inputs (indices, shapes, masks) never.
    return t === undefined || t === DataType.UNDEFINED || isFloatType(t);
  }

  unbroadcast(g: Value, target: Value, gradShape: readonly Dim[] | undefined = this.node.output(0).shape, peers?: readonly (readonly Dim[] | undefined)[]): Value {
    return unbroadcast(this.b, g, gradShape, target, target.shape, peers);
  }

  unbroadcastInput(g: Value, i: number): Value {
    const target = this.input(i);
    const peers = this.node.inputs.filter((v, j) => v && j !== i).map((v) => v!.shape);
    return unbroadcast(this.b, g, this.node.output(0).shape, target, target.shape, peers);
  }

  rank(v: Value): number {
    const r = v.shape?.length;
    if (r === undefined) throw this.fail(`the rank of "${v.name}" is unknown (run shape inference first)`);
    return r;
  }

  accumulate(v: Value, g: Value): void {
    this.contribute(v, g);
  }

  fail(why: string): Error {
    return new QuantaError(`cannot differentiate ${this.node.describe()}: ${why}`);
  }
}
