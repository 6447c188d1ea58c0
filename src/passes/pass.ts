// Pass infrastructure: a pass maps a model to a (possibly new) model and says whether it
// changed anything; composition and records are shared here so each pass stays small.

import type { Model } from "../ir/model.js";
import type { Node } from "../ir/node.js";

export interface PassResult {
  model: Model;
  modified: boolean;
}

export interface PassRecord {
  pass: string;
  modified: boolean;
  nodesAdded: number;
  nodesRemoved: number;
  nodesAfter: number;
  ms: number;
}

export interface PassContext {
  /** Every leaf pass run appends one record here. */
  records: PassRecord[];
}

export interface Pass {
  readonly name: string;
  run(model: Model, ctx?: PassContext): Promise<PassResult>;
}

/** Defines a leaf pass; its runs are timed and recorded. */
export function definePass(name: string, fn: (model: Model) => PassResult | Promise<PassResult>): Pass {
  return {
    name,
    async run(model, ctx) {
      const before = new Set<Node>(model.graph.nodes);
      const t0 = performance.now();
      const res = await fn(model);
      const ms = performance.now() - t0;
      if (ctx) {
        const after = res.model.graph.nodes;
        let added = 0;
        for (const n of after) if (!before.has(n)) added++;
        const kept = after.length - added;
        ctx.records.push({ pass: name, modified: res.modified, nodesAdded: added, nodesRemoved: before.size - kept, nodesAfter: after.length, ms });
      }
      return res;
    },
  };
}

/** Runs passes in order; modified if any was. */
export function sequential(name: string, passes: readonly Pass[]): Pass {
  return {
    name,
    async run(model, ctx) {
      let modified = false;
      for (const p of passes) {
        const r = await p.run(model, ctx);
        model = r.model;
        modified ||= r.modified;
      }
      return { model, modified };
    },
  };
}

/** Repeats a pass until it stops changing the model (at most `maxIterations` times). */
export function fixpoint(name: string, pass: Pass, maxIterations = 20): Pass {
  return {
    name,
    async run(model, ctx) {
      let modified = false;
      for (let i = 0; i < maxIterations; i++) {
        const r = await pass.run(model, ctx);
        model = r.model;
        if (!r.modified) return { model, modified };
        modified = true;
      }
      return { model, modified };
    },
  };
}

/** Runs a pass and returns the model with the records of every leaf pass. */
export async function runPasses(model: Model, pass: Pass): Promise<{ model: Model; modified: boolean; records: PassRecord[] }> {
  const ctx: PassContext = { records: [] };
  const r = await pass.run(model, ctx);
  return { ...r, records: ctx.records };
}
