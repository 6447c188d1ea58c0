// Graph outputs whose element type must differ from what computes them (float32 outputs with
// keepIoTypes; float16 outputs fed by an op kept float32). A Cast takes over the output's name,
// so callers keep fetching the same names, and the inner value is renamed.

import type { DataType } from "../ir/dtype.js";
import type { Graph } from "../ir/graph.js";
import { renameValue } from "../ir/builder.js";
import type { Value } from "../ir/value.js";
import type { CastInserter } from "./cast-inserter.js";

/** Gives each graph output `v` with `have(v) !== want` a Cast to `want` under its name; returns how many. */
export function retypeGraphOutputs(g: Graph, casts: CastInserter, wanted: DataType | ((v: Value) => DataType), have: (v: Value) => DataType | undefined): number {
  const done = new Map<Value, Value>();
  let count = 0;
  g.outputs.forEach((v, k) => {
    const prior = done.get(v);
    if (prior) return void (g.outputs[k] = prior);
    const t = have(v);
    const want = typeof wanted === "function" ? wanted(v) : wanted;
    if (t === undefined || t === want || v.isGraphInput) return;
    const name = v.name;
    const inner = g.names.fresh(`${name}_inner`);
    g.names.release(inner);
    renameValue(v, inner);
    const out = casts.insert(v, want, name);
    out.docString = v.docString;
    out.metadata = v.metadata;
    v.docString = "";
    v.metadata = [];
    g.outputs[k] = out;
    done.set(v, out);
    count++;
  });
  return count;
}
