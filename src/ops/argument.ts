// Reading an argument that some opset versions carry as an attribute and others as an input
// (Squeeze/Unsqueeze/Reduce* axes, Split's split, Slice's starts/ends, Pad's pads, Clip's
// bounds): one answer shape for both, so callers never branch on the opset themselves.

import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";
import { inputIndex, type OpVersion } from "./schema.js";

export type IntsArgument =
  /** Neither attribute nor input given (and no default): the op's "not given" meaning applies. */
  | { readonly kind: "absent" }
  /** Given and known: the attribute, its default, or a constant input. */
  | { readonly kind: "known"; readonly values: number[] }
  /** Given as an input whose values are not known before running. */
  | { readonly kind: "unknown"; readonly input: Value };

export type NumbersOf = (v: Value) => number[] | undefined;

/** Reads `name` as the signature `version` carries it; `numbersOf` resolves constant inputs. */
export function readArgument(version: OpVersion, node: Node, name: string, numbersOf: NumbersOf): IntsArgument {
  const spec = version.attributes[name];
  if (spec) {
    const a = node.getAttribute(name);
    if (a?.type === "ints" || a?.type === "floats") return { kind: "known", values: [...a.value] };
    if (a?.type === "int" || a?.type === "float") return { kind: "known", values: [a.value] };
    if (spec.default !== undefined && typeof spec.default !== "string") {
      return { kind: "known", values: typeof spec.default === "number" ? [spec.default] : [...spec.default] };
    }
    return { kind: "absent" };
  }
  const i = inputIndex(version, name);
  if (i < 0) throw new Error(`${node.opType} has no argument "${name}" in its opset ${version.since} signature`);
  const v = node.input(i);
  if (!v) return { kind: "absent" };
  const values = numbersOf(v);
  return values ? { kind: "known", values } : { kind: "unknown", input: v };
}
