// Folds subgraphs whose inputs are all constants into initializers. ONNX Runtime computes the
// values (quanta never reimplements operator math): the foldable nodes are copied into a small
// model that ORT runs once.

import { definePass, type Pass } from "./pass.js";
import { Graph } from "../ir/graph.js";
import { Model } from "../ir/model.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { dtypeFromHost } from "../ir/dtype.js";
import { copyNodeInto } from "../ir/clone.js";
import { openSession } from "../runtime/session.js";
import { removeUnusedIn } from "./remove-unused.js";
import type { Runtime } from "../runtime/runtime.js";

// Random ops are not constant; Q/DQ pairs are what quantization creates and must stay.
const NEVER_FOLD = new Set([
  "RandomNormal",
  "RandomUniform",
  "RandomNormalLike",
  "RandomUniformLike",
  "Multinomial",
  "Bernoulli",
  "QuantizeLinear",
  "DequantizeLinear",
  "DynamicQuantizeLinear",
  "Constant",
]);

export interface FoldOptions {
  runtime?: Runtime;
  /** Keep a folded result inline only if it is at most this many times larger than its inputs (default 2) or under 1 MB. */
  maxGrowth?: number;
}

export function foldConstants(opts: FoldOptions = {}): Pass {
  return definePass("fold-constants", async (model) => {
    const g = model.graph;
    const constant = new Set<Value>();
    for (const v of g.initializers.values()) if (!v.isGraphInput) constant.add(v);
    const foldable: Node[] = [];
    for (const n of g.nodes) {
      if (n.opType === "Constant" && n.domain === "" && g.constantValue(n.output(0))) {
        constant.add(n.output(0));
        continue;
      }
      if (n.domain !== "" || NEVER_FOLD.has(n.opType) || n.subgraphs().length || n.inputs.length === 0) continue;
      if (n.inputs.every((v) => v === null || constant.has(v))) {
        foldable.push(n);
        for (const o of n.outputs) constant.add(o);
      }
    }
    if (foldable.length === 0) return { model, modified: false };


    // Results to materialize: foldable outputs read by something that is not folded.
    const folded = new Set(foldable);
    const wanted: Value[] = [];
    for (const n of foldable) {
      for (const o of n.outputs) {
        // A folded graph output would lose its name; leave those nodes in place.
        if (!o.isGraphOutput && o.uses.some((u) => !folded.has(u.node))) wanted.push(o);
      }
    }
    if (wanted.length === 0) return { model, modified: false };
    const sub = new Model(new Graph("fold"), { irVersion: model.irVersion, opsets: Object.fromEntries(model.opsets) });
    const map = new Map<Value, Value>();
    for (const n of foldable) {
      for (const v of n.inputs) {
        if (!v || map.has(v)) continue;
        const t = g.constantValue(v);
        if (t && !folded.has(v.producer!)) map.set(v, sub.graph.addInitializer(v.name, t));
      }
      copyNodeInto(sub.graph, n, map);
    }
    for (const v of wanted) sub.graph.addOutput(map.get(v)!);
    const session = await openSession(sub, { runtime: opts.runtime, optimizationLevel: "disabled" });
    let results;
    try {
      results = await session.run({}, wanted.map((v) => map.get(v)!.name));
    } finally {
      await session.release();
    }
    const inputBytes = [...sub.graph.initializers.values()].reduce((a, v) => a + v.initializer!.byteLength, 0);
    const growth = opts.maxGrowth ?? 2;
    let modified = false;
    for (const v of wanted) {
      const h = results[map.get(v)!.name]!;
      const t = Tensor.fromHost(h, dtypeFromHost(h.type));
      if (t.byteLength > 2 ** 20 && t.byteLength > growth * Math.max(inputBytes, 1)) continue; // e.g. a huge Expand
      const init = g.addInitializer(`${v.name}_folded`, t);
      v.replaceAllUsesWith(init);
      modified = true;
    }
    removeUnusedIn(g);
    return { model, modified };
  });
}
