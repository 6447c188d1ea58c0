// Which nodes of a graph run float16 and which stay float32, and so which element type every
// float32 value and every float input slot has after conversion. Deciding all of it before the
// graph is touched keeps the rewrite a plain application of these answers.
//
// Besides the rules table, a node stays float32 when everything reading its float outputs needs
// float32 anyway (a float32-only op, a float32-typed slot such as Resize scales, a Cast to an
// integer type). That keeps shape arithmetic (Shape → Cast(float) → Mul → Floor → Cast(int64))
// exact: in float16 a dimension like 4097 would already round to 4096.

import { DataType } from "../ir/dtype.js";
import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import type { Use, Value } from "../ir/value.js";
import { fp16RuleFor, type Fp16Rule } from "./rules.js";
import { FLOAT16_MAX } from "../ir/tensor/float16.js";

export interface PlanOptions {
  /** Keep float32 graph inputs float32 (the caller inserts the boundary casts). */
  keepIoTypes?: boolean;
  /** Extra ops to keep float32: "Op" (any domain) or "domain::Op". */
  blockOps?: readonly string[];
  /** Values (by name) whose magnitudes leave float16's range: every op producing or reading them stays float32. */
  outOfRangeValues?: readonly string[];
  /** Ops reading a constant that holds values beyond ±65504 stay float32 (and the constant with them) instead of clamping it. */
  keepOutOfRangeWeights?: boolean;
}

export class PrecisionPlan {
  /** Nodes of the graph that stay float32, with why. */
  readonly float32Nodes = new Map<Node, string>();
  private readonly rules = new Map<Node, Fp16Rule | undefined>();
  private readonly outOfRange: ReadonlySet<string>;
  private readonly constantPeak = new Map<Value, number>();

  constructor(
    readonly graph: Graph,
    private readonly types: ReadonlyMap<Value, DataType>,
    private readonly opts: PlanOptions = {},
  ) {
    const blocked = new Set(opts.blockOps ?? []);
    this.outOfRange = new Set(opts.outOfRangeValues ?? []);
    for (const n of graph.nodes) {
      this.rules.set(n, fp16RuleFor(n.opType, n.domain));
      const reason = this.ruleReason(n, blocked);
      if (reason) this.float32Nodes.set(n, reason);
    }
    // Consumers come after producers, so one backward sweep settles every demand.
    for (let i = graph.nodes.length - 1; i >= 0; i--) {
      const n = graph.nodes[i]!;
      if (!this.float32Nodes.has(n) && this.onlyFeedsFloat32(n)) this.float32Nodes.set(n, "only float32 consumers read its outputs");
    }
  }

  /** Whether `v` held float32 in the source model (the values conversion is about). */
  isFloat32(v: Value): boolean {
    return this.types.get(v) === DataType.FLOAT;
  }

  runsFloat32(n: Node): boolean {
    return this.float32Nodes.has(n);
  }

  /** Element type input `i` of `n` must have if it is a converted value; undefined: any type will do. */
  want(n: Node, i: number): DataType | undefined {
    const rule = this.rules.get(n);
    if (rule?.anyTypeInputs?.includes(i)) return undefined;
    if (this.runsFloat32(n)) return DataType.FLOAT;
    if (rule?.precision === "float16" && rule.float32Inputs?.includes(i)) return DataType.FLOAT;
    return DataType.FLOAT16;
  }

  /** Element type a float32 value of the source model has after conversion. Read before the graph changes. */
  target(v: Value): DataType {
    if (v.initializer) return this.onlyReadAsFloat32(v) ? DataType.FLOAT : DataType.FLOAT16;
    const n = v.producer;
    if (!n) return this.opts.keepIoTypes || this.outOfRange.has(v.name) ? DataType.FLOAT : DataType.FLOAT16;
    if (this.runsFloat32(n)) return DataType.FLOAT;
    const rule = this.rules.get(n);
    if (rule?.precision === "float16" && rule.float32Outputs?.includes(v.producerIndex)) return DataType.FLOAT;
    return DataType.FLOAT16;
  }

  /** The `to` a Cast node has after conversion: float32 targets become float16 where the Cast runs float16. */
  castTarget(n: Node): number | undefined {
    const to = n.getInt("to");
    return to === DataType.FLOAT && !this.runsFloat32(n) ? DataType.FLOAT16 : to;
  }

  private ruleReason(n: Node, blocked: ReadonlySet<string>): string | undefined {
    const domain = n.domain === "ai.onnx" ? "" : n.domain;
    if (blocked.has(n.opType) || blocked.has(`${domain}::${n.opType}`)) return "listed in blockOps";
    const rule = this.rules.get(n);
    if (!rule) return domain ? `no float16 rule for ${domain} ops` : "no float16 rule";
    if (rule.precision === "float32") return rule.reason;
    const conditional = rule.float32When?.(n);
    if (conditional) return conditional;
    if (n.subgraphs().length) return "subgraph bodies are not converted";
    const big = [...n.inputs, ...n.outputs].find((v) => v && this.isFloat32(v) && this.outOfRange.has(v.name));
    if (big) return `values of ${big.name} leave float16's range (±${FLOAT16_MAX})`;
    if (this.opts.keepOutOfRangeWeights) {
      const w = n.inputs.find((v) => v && this.isFloat32(v) && this.peakOfConstant(v) > FLOAT16_MAX);
      if (w) return `constant ${w.name} holds values beyond ±${FLOAT16_MAX}`;
    }
    return undefined;
  }

  /** Largest finite magnitude in a float32 constant input (0 for non-constants). */
  private peakOfConstant(v: Value): number {
    let peak = this.constantPeak.get(v);
    if (peak === undefined) {
      const t = this.graph.constantValue(v);
      peak = 0;
      if (t && t.dtype === DataType.FLOAT) for (const x of t.toFloat32()) if (Number.isFinite(x) && Math.abs(x) > peak) peak = Math.abs(x);
      this.constantPeak.set(v, peak);
    }
    return peak;
  }

  private onlyFeedsFloat32(n: Node): boolean {
    const floats = n.outputs.filter((v) => this.isFloat32(v));
    return floats.length > 0 && floats.every((v) => this.onlyReadAsFloat32(v));
  }

  // Graph outputs never count as demand: with keepIoTypes they get a boundary Cast instead, so
  // the model's last layer still computes in float16.
  private onlyReadAsFloat32(v: Value): boolean {
    return v.uses.length > 0 && !v.isGraphOutput && v.uses.every((u) => this.readsAsFloat32(u));
  }

  private readsAsFloat32(u: Use): boolean {
    const n = u.node;
    if (n.graph !== this.graph) return true; // inside an If/Loop/Scan body, which stays float32
    if (n.opType === "Cast" && (n.domain === "" || n.domain === "ai.onnx")) {
      const to = this.castTarget(n);
      return to !== DataType.FLOAT16 && to !== DataType.BFLOAT16;
    }
    return this.want(n, u.index) === DataType.FLOAT;
  }
}
