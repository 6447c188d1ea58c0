// What quanta knows about one ONNX operator: its inputs, outputs and attributes per opset
// version (only versions that change the signature are listed), and its shape rule.

import type { InferContext } from "./infer-context.js";

export type AttrType = "int" | "ints" | "float" | "floats" | "string" | "strings" | "tensor" | "graph" | "graphs";
export type AttrDefault = number | readonly number[] | string;

export interface AttrSpec {
  readonly type: AttrType;
  /** The value the op uses when the attribute is absent; no default means "not given" is meaningful. */
  readonly default?: AttrDefault;
  readonly required?: boolean;
}

export interface ArgSpec {
  readonly name: string;
  readonly optional: boolean;
  /** Only the last input/output may be variadic; it then covers every remaining position. */
  readonly variadic: boolean;
}

export interface OpVersion {
  /** First opset version with this signature. */
  readonly since: number;
  readonly inputs: readonly ArgSpec[];
  readonly outputs: readonly ArgSpec[];
  readonly attributes: Readonly<Record<string, AttrSpec>>;
}

/** Fills `ctx.out(...)` (and optionally `ctx.outValue(...)`) for a node; leaves unknown facts unset or null. */
export type ShapeRule = (ctx: InferContext) => void;

interface OpDefCommon {
  readonly opType: string;
  /** "" for the default ONNX domain. */
  readonly domain: string;
  /** Ascending by `since`. */
  readonly versions: readonly OpVersion[];
}

/** Every op has a shape rule, or says why its output types can only come from running it. */
export type OpDef = OpDefCommon & ({ readonly infer: ShapeRule; readonly runtimeOnly?: undefined } | { readonly infer?: undefined; readonly runtimeOnly: string });

/** Authoring form of a version: arguments as "name", "name?" (optional) or "name..." (variadic). */
export interface VersionSpec {
  since: number;
  inputs: readonly string[];
  outputs?: readonly string[];
  attrs?: Record<string, AttrSpec>;
}

export type OpSpec = { opType: string; domain?: string; versions: readonly VersionSpec[] } & ({ infer: ShapeRule } | { runtimeOnly: string });

/** Attribute spec constructors: `A.int(1)` has default 1, `A.ints()` has none, `A.req("int")` is required. */
export const A = {
  int: (d?: number): AttrSpec => withDefault("int", d),
  ints: (d?: readonly number[]): AttrSpec => withDefault("ints", d),
  float: (d?: number): AttrSpec => withDefault("float", d),
  floats: (d?: readonly number[]): AttrSpec => withDefault("floats", d),
  string: (d?: string): AttrSpec => withDefault("string", d),
  strings: (): AttrSpec => ({ type: "strings" }),
  tensor: (): AttrSpec => ({ type: "tensor" }),
  graph: (): AttrSpec => ({ type: "graph", required: true }),
  req: (type: AttrType): AttrSpec => ({ type, required: true }),
};

function withDefault(type: AttrType, d: AttrDefault | undefined): AttrSpec {
  return d === undefined ? { type } : { type, default: d };
}

export function defineOp(spec: OpSpec): OpDef {
  const versions = spec.versions.map(toVersion).sort((a, b) => a.since - b.since);
  const common = { opType: spec.opType, domain: spec.domain ?? "", versions };
  return "infer" in spec ? { ...common, infer: spec.infer } : { ...common, runtimeOnly: spec.runtimeOnly };
}

function toVersion(v: VersionSpec): OpVersion {
  return { since: v.since, inputs: v.inputs.map(parseArg), outputs: (v.outputs ?? ["Y"]).map(parseArg), attributes: v.attrs ?? {} };
}

function parseArg(s: string): ArgSpec {
  if (s.endsWith("...")) return { name: s.slice(0, -3), optional: false, variadic: true };
  if (s.endsWith("?")) return { name: s.slice(0, -1), optional: true, variadic: false };
  return { name: s, optional: false, variadic: false };
}

/** The signature in force at `opset`: the newest version not newer than it (the oldest when all are). */
export function versionAt(def: OpDef, opset: number): OpVersion {
  let pick = def.versions[0]!;
  for (const v of def.versions) if (v.since <= opset) pick = v;
  return pick;
}

/** Position of a named input in a signature, or -1. */
export function inputIndex(version: OpVersion, name: string): number {
  return version.inputs.findIndex((a) => a.name === name);
}
