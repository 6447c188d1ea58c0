// Numpy (multidirectional) broadcasting over possibly symbolic dims. A symbol is kept when the
// other side is 1 or the same symbol; a number other than 1 wins over anything unknown, because
// broadcasting only succeeds when the unknown side is 1 or that same number. Likewise s wins over
// min(s, d): that is s, or d < s, which broadcasts only when d is 1.

import type { Dim } from "../ir/value.js";
import { dimsEqual, minParts } from "./dims.js";

export function broadcastDim(a: Dim, b: Dim): Dim {
  if (a === 1) return b;
  if (b === 1) return a;
  if (a !== null && b !== null && (a === b || dimsEqual(a, b))) return a;
  if (minParts(b)?.of === a) return a;
  if (minParts(a)?.of === b) return b;
  if (typeof a === "number" && typeof b === "number") throw new Error(`dims ${a} and ${b} do not broadcast`);
  if (typeof a === "number") return a;
  if (typeof b === "number") return b;
  return null;
}

/** Broadcast shape of several shapes; undefined when any rank is unknown. */
export function broadcastShapes(...shapes: readonly (readonly Dim[] | undefined)[]): Dim[] | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const known = shapes as readonly (readonly Dim[])[];
  const rank = Math.max(0, ...known.map((s) => s.length));
  const out: Dim[] = new Array<Dim>(rank).fill(1);
  for (const s of known) {
    const off = rank - s.length;
    s.forEach((d, i) => (out[off + i] = broadcastDim(out[off + i]!, d)));
  }
  return out;
}
