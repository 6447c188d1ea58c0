// Cast nodes the conversion adds: one per (value, target type), shared by all its readers, and
// placed right after the value is defined so every reader comes after it.

import { attr } from "../ir/attribute.js";
import { DataType } from "../ir/dtype.js";
import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";

export class CastInserter {
  /** Every Cast node this inserter added. */
  readonly added = new Set<Node>();
  private readonly cache = new Map<Value, Map<number, Value>>();

  constructor(private readonly graph: Graph) {}

  /** `v` converted to `to`, reusing an earlier Cast of the same value. */
  castOf(v: Value, to: DataType): Value {
    let byType = this.cache.get(v);
    if (!byType) this.cache.set(v, (byType = new Map()));
    const hit = byType.get(to);
    if (hit) return hit;
    const suffix = to === DataType.FLOAT16 ? "fp16" : to === DataType.FLOAT ? "fp32" : `t${to}`;
    const out = this.insert(v, to, `${v.name}_${suffix}`);
    byType.set(to, out);
    return out;
  }

  /** A new Cast of `v` to `to` whose output is named `outputName` (exactly, if that name is free). */
  insert(v: Value, to: DataType, outputName: string): Value {
    const g = this.graph;
    const where = v.producer?.graph === g ? { after: v.producer } : g.nodes.length ? { before: g.nodes[0]! } : {};
    const node = g.addNode("Cast", [v], { to: attr.int(to) }, { ...where, outputs: [outputName], name: g.names.fresh(`${outputName}_cast`) });
    this.added.add(node);
    const out = node.output(0);
    out.type = { kind: "tensor", dtype: to, shape: v.shape ? [...v.shape] : undefined };
    return out;
  }
}
