// Small graph edits the fusion rules share: reading constant inputs (with a reason when they are
// not constant), merging a node into the one before it while keeping the later value's name, and
// dropping the weights a rewrite left without readers.

import type { Graph } from "../../ir/graph.js";
import type { Node } from "../../ir/node.js";
import type { Value } from "../../ir/value.js";
import type { Tensor } from "../../ir/tensor/tensor.js";
import { renameValue } from "../../ir/builder.js";

/** The constant behind `v`, or why there is none (`what` names the input in the reason). */
export function constantInput(g: Graph, v: Value | null, what: string): Tensor | string {
  if (!v) return `${what} is missing`;
  // An initializer listed as a graph input is only a default: callers may feed another value.
  if (v.initializer && v.isGraphInput) return `${what} "${v.name}" is a graph input (an overridable initializer), not a constant`;
  const t = g.constantValue(v);
  if (!t) return `${what} "${v.name}" is not a constant initializer`;
  return t;
}

/** Why `v` cannot be folded away with its producer: another reader or a graph-output slot; null when it can. */
export function extraUses(v: Value, only: Node): string | null {
  if (v.isGraphOutput) return `"${v.name}" is also a graph output`;
  const others = v.uses.filter((u) => u.node !== only);
  if (others.length === 0) return null;
  const who = others.slice(0, 3).map((u) => `${u.node.opType} "${u.node.name}"`);
  const more = others.length > 3 ? ` and ${others.length - 3} more` : "";
  return `"${v.name}" is also read by ${who.join(", ")}${more}`;
}

/** "[batch,?,64]": symbolic dims by name, unknown ones as "?". */
export function formatShape(shape: readonly (number | string | null)[]): string {
  return `[${shape.map((d) => (d === null ? "?" : String(d))).join(",")}]`;
}

/** Rank of `v` when its shape is recorded; undefined when unknown. */
export function rankOf(v: Value | null): number | undefined {
  return v?.shape?.length;
}

/**
 * Removes `tail` (whose only input from `head` is head's output 0) and lets head's output take its
 * place: tail's readers, graph-output slots, name and type. Keeping tail's name keeps graph output
 * names and the names users see in per-layer reports stable.
 */
export function absorb(head: Node, tail: Node): void {
  const g = head.graph;
  if (!g || tail.graph !== g) throw new Error(`${tail.describe()} and ${head.describe()} are not in one graph`);
  const from = head.output(0);
  const to = tail.output(0);
  g.removeNode(tail, true);
  if (from.uses.length || from.isGraphOutput) throw new Error(`${head.describe()}: output "${from.name}" has other readers`);
  for (const extra of tail.outputs.slice(1)) {
    if (extra.uses.length || extra.isGraphOutput) throw new Error(`${tail.describe()}: output "${extra.name}" is still used`);
  }
  to.replaceAllUsesWith(from);
  from.type = to.type ?? from.type;
  if (to.docString) from.docString = to.docString;
  const name = to.name;
  g.names.release(name);
  renameValue(from, name);
}

/** Removes an initializer or Constant node whose value nobody reads any more; true when removed. */
export function dropIfUnused(g: Graph, v: Value | null): boolean {
  if (!v || v.uses.length || v.isGraphOutput || v.isGraphInput) return false;
  if (v.initializer && g.initializers.get(v.name) === v) {
    g.removeInitializer(v);
    return true;
  }
  const p = v.producer;
  if (p && p.graph === g && p.opType === "Constant" && p.domain === "") {
    g.removeNode(p);
    g.names.release(v.name);
    return true;
  }
  return false;
}

/**
 * Points `node.inputs[index]` at a new initializer holding `tensor`. When the old constant has no
 * other reader it is dropped and the new one takes its name ("conv1.weight" stays "conv1.weight").
 */
export function setConstantInput(g: Graph, node: Node, index: number, tensor: Tensor, base: string): Value {
  const old = node.input(index);
  const v = g.addInitializer(base, tensor);
  node.setInput(index, v);
  if (old) {
    const oldName = old.name;
    if (dropIfUnused(g, old)) renameValue(v, oldName);
  }
  return v;
}

/** A name for a bias created next to weight `w`: "conv1.weight" → "conv1.bias". */
export function biasNameFor(w: Value): string {
  return w.name.endsWith(".weight") ? `${w.name.slice(0, -".weight".length)}.bias` : `${w.name}_bias`;
}
