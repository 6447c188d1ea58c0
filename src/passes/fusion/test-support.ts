// Shared by the fusion tests: copy a model, run it in ONNX Runtime as written (no ORT fusions, so
// the comparison is between our rewrite and ORT's kernels for the original ops), compare outputs.

import type { Model } from "../../ir/model.js";
import { openSession } from "../../runtime/session.js";
import type { HostTensor } from "../../runtime/host-tensor.js";
import { cloneModel } from "../../ir/serde/clone-model.js";

export function copyModel(model: Model): Model {
  return cloneModel(model);
}

export async function runAsWritten(model: Model, feeds: Record<string, HostTensor>): Promise<Record<string, HostTensor>> {
  const s = await openSession(model, { optimizationLevel: "disabled" });
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

export interface Difference {
  maxAbs: number;
  /** Largest |reference| over all outputs. */
  magnitude: number;
  /** maxAbs / magnitude. */
  relative: number;
}

/** Max abs difference over every float output present in both (same names, same dims required). */
export function compareOutputs(ref: Record<string, HostTensor>, got: Record<string, HostTensor>): Difference {
  let maxAbs = 0;
  let magnitude = 0;
  for (const [name, r] of Object.entries(ref)) {
    const g = got[name];
    if (!g) throw new Error(`output "${name}" is missing`);
    if (r.dims.join(",") !== g.dims.join(",")) throw new Error(`output "${name}": dims [${r.dims}] vs [${g.dims}]`);
    const a = r.data as Float32Array;
    const b = g.data as Float32Array;
    for (let i = 0; i < a.length; i++) {
      magnitude = Math.max(magnitude, Math.abs(a[i]!));
      maxAbs = Math.max(maxAbs, Math.abs(a[i]! - b[i]!));
    }
  }
  return { maxAbs, magnitude, relative: maxAbs / Math.max(magnitude, 1e-30) };
}

/** Deterministic values in [-1, 1). */
export function seededFloats(n: number, seed = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

export function floatInput(dims: number[], seed = 1): HostTensor {
  return { type: "float32", dims, data: seededFloats(dims.reduce((a, d) => a * d, 1), seed) };
}

export function opCounts(model: Model): Record<string, number> {
  const c: Record<string, number> = {};
  for (const n of model.graph.nodes) c[n.opType] = (c[n.opType] ?? 0) + 1;
  return c;
}
