// Parsers for option values shared by commands; each failure is a one-line usage error.

import { InvalidArgumentError } from "commander";

export function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got "${v}".`);
    return n;
  };
}

export function nonNegativeInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${v}".`);
    return n;
  };
}

/** Repeatable `--dim name=value`. */
export function collectDim(v: string, prev: Record<string, number> = {}): Record<string, number> {
  const m = /^([^=]+)=(\d+)$/.exec(v);
  if (!m || Number(m[2]) < 1) throw new InvalidArgumentError(`expected name=value with a positive value (e.g. batch=1), got "${v}".`);
  return { ...prev, [m[1]!]: Number(m[2]) };
}

/** Comma-separated numbers, e.g. --mean 0.485,0.456,0.406. */
export function numberList(name: string) {
  return (v: string): number[] => {
    const parts = v.split(",").map((s) => Number(s.trim()));
    if (parts.length === 0 || parts.some((x) => !Number.isFinite(x))) throw new InvalidArgumentError(`${name} must be a number or comma-separated numbers, got "${v}".`);
    return parts;
  };
}

/** HxW or a single size, e.g. --size 224 or --size 224x224. */
export function imageSize(v: string): [number, number] {
  const m = /^(\d+)(?:[x,](\d+))?$/.exec(v);
  if (!m) throw new InvalidArgumentError(`--size must look like 224, 224x224 or 224,224, got "${v}".`);
  return [Number(m[1]), Number(m[2] ?? m[1])];
}

export function oneOf<T extends string>(name: string, choices: readonly T[]) {
  return (v: string): T => {
    if (!choices.includes(v as T)) throw new InvalidArgumentError(`${name} must be one of ${choices.join(", ")}, got "${v}".`);
    return v as T;
  };
}

export function finiteNumber(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number, got "${v}".`);
    return n;
  };
}

/** A percentage in [0, 100]. */
export function percent(name: string) {
  return (v: string): number => {
    const n = Number(v.replace(/%$/, ""));
    if (v.trim() === "" || !(n >= 0 && n <= 100)) throw new InvalidArgumentError(`${name} must be a percentage from 0 to 100, got "${v}".`);
    return n;
  };
}

/** Repeatable, comma-separated `--input-key entry[=input]`. */
export function collectInputKeys(v: string, prev: { key: string; input?: string }[] = []): { key: string; input?: string }[] {
  const out = [...prev];
  for (const part of v.split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=]+?)(?:=(.+))?$/.exec(part);
    if (!m) throw new InvalidArgumentError(`expected entry or entry=input, got "${part}".`);
    out.push(m[2] ? { key: m[1]!, input: m[2] } : { key: m[1]! });
  }
  if (out.length === prev.length) throw new InvalidArgumentError(`expected entry or entry=input, got "${v}".`);
  return out;
}
