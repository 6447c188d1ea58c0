// Removes Casts that conversion made pointless: a Cast to the type its input already has
// (a float→float Cast retargeted to float16 on a value that is now float16), and a float Cast
// pair that returns a value to its own type (x:A → B → A). Folding a pair drops a rounding step,
// so results can only move closer to the unrounded value. Casts whose output is a graph output
// are kept: their output name is part of the model's interface.

import { isFloatType, type DataType } from "../ir/dtype.js";
import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";

/** Folds Casts in `g` (not its subgraphs) and returns how many Cast nodes it removed. */
export function foldCasts(g: Graph, typeOf: (v: Value) => DataType | undefined): number {
  let removed = 0;
  for (let changed = true; changed; ) {
    changed = false;
    for (const c of [...g.nodes]) {
      if (c.graph !== g || !isCast(c)) continue;
      const out = c.output(0);
      const x = c.input(0);
      if (!x || out.isGraphOutput) continue;
      const replacement = foldedSource(c, x, typeOf);
      if (!replacement) continue;
      out.replaceAllUsesWith(replacement);
      g.removeNode(c);
      removed++;
      changed = true;
      const inner = x.producer;
      if (inner && inner.graph === g && isCast(inner) && x.uses.length === 0 && !x.isGraphOutput) {
        g.removeNode(inner);
        removed++;
      }
    }
  }
  return removed;
}

function foldedSource(c: Node, x: Value, typeOf: (v: Value) => DataType | undefined): Value | undefined {
  const to = c.getInt("to");
  const from = typeOf(x);
  if (from !== undefined && from === to) return x;
  const inner = x.producer;
  if (!inner || !isCast(inner) || from === undefined || !isFloatType(from)) return undefined;
  const y = inner.input(0);
  const origin = y ? typeOf(y) : undefined;
  if (y && origin !== undefined && origin === to && isFloatType(origin)) return y;
  return undefined;
}

function isCast(n: Node): boolean {
  return n.opType === "Cast" && (n.domain === "" || n.domain === "ai.onnx");
}
