// Reshape and Flatten. Reshape's target may hold symbols (built from Shape ops), 0 (copy the
// input dim, unless allowzero) and -1; one unknown entry, -1 or not, is solved from the element
// count, symbolically when the division is exact ("batch*seq*768" / 768 → "batch*seq").

import type { Dim } from "../ir/value.js";
import type { InferContext } from "./infer-context.js";
import { A, defineOp, type OpDef } from "./schema.js";
import { divDims, productOfDims } from "./dims.js";

export function reshapeShape(input: readonly Dim[] | undefined, target: readonly Dim[], allowZero: boolean): Dim[] {
  const out = target.map((t, i): Dim => {
    if (t === 0 && !allowZero) return input?.[i] ?? null;
    return t === -1 ? null : t;
  });
  const unknown = out.flatMap((d, i) => (d === null ? [i] : []));
  if (unknown.length === 1 && input) {
    const others = out.filter((_, i) => i !== unknown[0]);
    out[unknown[0]!] = divDims(productOfDims(input), productOfDims(others));
  }
  return out;
}

function reshapeRule(c: InferContext): void {
  const target = c.version.since < 5 ? c.ints("shape") : c.dimsOf(1);
  const allowZero = "allowzero" in c.version.attributes && c.int("allowzero") === 1;
  const shape = target ? reshapeShape(c.shape(0), target, allowZero) : undefined;
  c.out(0, c.dtype(0), shape);
  const v = c.value(0);
  if (v && shape?.every((d): d is number => typeof d === "number")) c.outValue(0, { dtype: v.dtype, dims: shape, data: v.data });
}

export const reshapeOps: OpDef[] = [
  defineOp({
    opType: "Reshape",
    versions: [
      { since: 1, inputs: ["data"], outputs: ["reshaped"], attrs: { shape: A.ints() } },
      { since: 5, inputs: ["data", "shape"], outputs: ["reshaped"] },
      { since: 14, inputs: ["data", "shape"], outputs: ["reshaped"], attrs: { allowzero: A.int(0) } },
    ],
    infer: reshapeRule,
  }),
  defineOp({
    opType: "Flatten",
    versions: [{ since: 1, inputs: ["input"], outputs: ["output"], attrs: { axis: A.int(1) } }],
    infer: (c) => {
      const x = c.shape(0);
      if (!x) return c.out(0, c.dtype(0), [null, null]);
      const raw = c.int("axis");
      const axis = raw < 0 ? raw + x.length : raw;
      if (axis < 0 || axis > x.length) throw new Error(`Flatten axis ${raw} is out of range for rank ${x.length}`);
      c.out(0, c.dtype(0), [productOfDims(x.slice(0, axis)), productOfDims(x.slice(axis))]);
    },
  }),
];
