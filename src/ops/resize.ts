// Resize (and its predecessor Upsample): output dims from `sizes` when given, else
// floor(dim * scale). Inputs moved around: scales was input 1 at opset 10, roi/scales/sizes are
// inputs 1/2/3 from 11, optional from 13; opset 18 adds `axes` and keep_aspect_ratio_policy.

import type { Dim } from "../ir/value.js";
import type { InferContext } from "./infer-context.js";
import { A, defineOp, inputIndex, type AttrSpec, type OpDef } from "./schema.js";
import { normalizeAxis } from "./dims.js";

function scaled(d: Dim, scale: number): Dim {
  if (typeof d === "number") return Math.floor(d * scale);
  return scale === 1 ? d : null;
}

/** A sizes/scales input: undefined when omitted or an empty placeholder, null when its elements are unknown. */
function given(c: InferContext, name: string): Dim[] | null | undefined {
  const i = inputIndex(c.version, name);
  if (i < 0 || !c.has(i)) return undefined;
  const v = c.value(i);
  if (v) return v.data.length > 0 ? [...v.data] : undefined;
  return c.shape(i)?.[0] === 0 ? undefined : null;
}

function resizeRule(c: InferContext): void {
  const x = c.shape(0);
  if (!x) return c.out(0, c.dtype(0), undefined);
  const axes = (c.version.since >= 18 ? c.ints("axes") : undefined)?.map((a) => normalizeAxis(a, x.length)) ?? [...x.keys()];
  const out = [...x];
  const sizes = given(c, "sizes");
  const scales = sizes === undefined ? given(c, "scales") : undefined;
  if (sizes && sizes.length === axes.length) {
    const policy = c.version.since >= 18 ? c.string("keep_aspect_ratio_policy") : "stretch";
    if (policy === "stretch") axes.forEach((a, k) => (out[a] = sizes[k]!));
    else keepAspect(x, axes, sizes, policy, out);
  } else if (scales && scales.length === axes.length && scales.every((s): s is number => typeof s === "number")) {
    axes.forEach((a, k) => (out[a] = scaled(x[a]!, scales[k]!)));
  } else {
    axes.forEach((a) => (out[a] = null));
  }
  c.out(0, c.dtype(0), out);
}

/** not_larger / not_smaller: one scale for all axes, the min / max of sizes / dims. */
function keepAspect(x: readonly Dim[], axes: readonly number[], sizes: readonly Dim[], policy: string, out: Dim[]): void {
  const ratios = axes.map((a, k) => {
    const d = x[a];
    const s = sizes[k];
    return typeof d === "number" && typeof s === "number" ? s / d : NaN;
  });
  if (ratios.some(Number.isNaN)) return axes.forEach((a) => (out[a] = null));
  const scale = policy === "not_larger" ? Math.min(...ratios) : Math.max(...ratios);
  axes.forEach((a) => (out[a] = Math.round((x[a] as number) * scale)));
}

const V11: Record<string, AttrSpec> = {
  coordinate_transformation_mode: A.string("half_pixel"),
  cubic_coeff_a: A.float(-0.75),
  exclude_outside: A.int(0),
  extrapolation_value: A.float(0),
  mode: A.string("nearest"),
  nearest_mode: A.string("round_prefer_floor"),
};

export const resizeOps: OpDef[] = [
  defineOp({
    opType: "Resize",
    versions: [
      { since: 10, inputs: ["X", "scales"], attrs: { mode: A.string("nearest") } },
      { since: 11, inputs: ["X", "roi", "scales", "sizes?"], attrs: V11 },
      { since: 13, inputs: ["X", "roi?", "scales?", "sizes?"], attrs: V11 },
      { since: 18, inputs: ["X", "roi?", "scales?", "sizes?"], attrs: { ...V11, antialias: A.int(0), axes: A.ints(), keep_aspect_ratio_policy: A.string("stretch") } },
    ],
    infer: resizeRule,
  }),
  defineOp({
    opType: "Upsample",
    versions: [
      { since: 7, inputs: ["X"], attrs: { mode: A.string("nearest"), scales: A.req("floats") } },
      { since: 9, inputs: ["X", "scales"], attrs: { mode: A.string("nearest") } },
    ],
    infer: (c) => {
      const x = c.shape(0);
      const scales = c.version.since < 9 ? c.floats("scales") : c.numbers(1);
      c.out(0, c.dtype(0), x?.map((d, i) => (scales?.[i] !== undefined ? scaled(d, scales[i]!) : null)));
    },
  }),
];
