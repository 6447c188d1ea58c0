// ONNX files are proto2: a field explicitly set to its default ("" domain, 0.0 alpha) is
// encoded and differs on the wire from an absent one. Serde remembers which scalar fields were
// present with default values, keyed by the IR object, and sets exactly those again on write.

import { isFieldSet, type DescMessage, type MessageShape } from "@bufbuild/protobuf";

const present = new WeakMap<object, string[]>();

/** Records, for `owner`, the scalar fields of `msg` that are set but hold their default value. */
export function notePresence<D extends DescMessage>(owner: object, schema: D, msg: MessageShape<D>): void {
  const list: string[] = [];
  for (const f of schema.fields) {
    if (f.fieldKind !== "scalar" && f.fieldKind !== "enum") continue;
    if (f.oneof) continue;
    const v = (msg as Record<string, unknown>)[f.localName];
    if (isDefault(v) && isFieldSet(msg, f)) list.push(f.localName);
  }
  if (list.length) present.set(owner, list);
}

/** Assigns scalar fields: non-default values always, defaults only where the original had them. */
export function assignScalars<D extends DescMessage>(owner: object | undefined, msg: MessageShape<D>, values: Record<string, unknown>): void {
  const keep = owner ? present.get(owner) : undefined;
  const target = msg as Record<string, unknown>;
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    if (!isDefault(v) || keep?.includes(k)) target[k] = v;
  }
}

function isDefault(v: unknown): boolean {
  return v === "" || v === 0 || v === 0n || v === false || (v instanceof Uint8Array && v.byteLength === 0);
}

// Trailing "" inputs ("this optional input is absent") mean the same as none; the writer drops
// them for nodes passes build, and keeps as many as the file had for nodes it read.
const declaredInputs = new WeakMap<object, number>();

export function noteInputCount(owner: object, count: number): void {
  declaredInputs.set(owner, count);
}

/** Input names with trailing empties trimmed, but never below the count the file declared. */
export function trimTrailingEmpty(owner: object, names: string[]): string[] {
  const floor = Math.min(declaredInputs.get(owner) ?? 0, names.length);
  let end = names.length;
  while (end > floor && names[end - 1] === "") end--;
  return names.slice(0, end);
}
