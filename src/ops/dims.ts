// Arithmetic on dimensions that may be symbolic. A symbolic dim is read as a product of named
// factors and an integer coefficient ("batch*sequence", "768*batch"), which is exactly what
// Flatten, Reshape's -1 and shape-value Mul/Div produce; sums of different symbols are not
// representable and give null (unknown) rather than a guess.

import type { Dim } from "../ir/value.js";

interface Monomial {
  coef: number;
  /** Sorted factor names, repeated for powers. */
  syms: string[];
  /** A dim_param that is not a plain product (e.g. "h + 1"): usable alone, never combined. */
  opaque?: boolean;
}

const PRODUCT = /^[A-Za-z0-9_.:-]+(\*[A-Za-z0-9_.:-]+)*$/;
const INTEGER = /^\d+$/;

function parse(d: Dim): Monomial | null {
  if (d === null) return null;
  if (typeof d === "number") return { coef: d, syms: [] };
  if (!PRODUCT.test(d)) return { coef: 1, syms: [d], opaque: true };
  let coef = 1;
  const syms: string[] = [];
  for (const part of d.split("*")) {
    if (INTEGER.test(part)) coef *= Number(part);
    else syms.push(part);
  }
  return { coef, syms: syms.sort() };
}

function format(m: Monomial): Dim {
  if (m.coef === 0 || m.syms.length === 0) return m.coef;
  const s = m.syms.join("*");
  return m.coef === 1 ? s : `${m.coef}*${s}`;
}

function sameSyms(a: Monomial, b: Monomial): boolean {
  return a.syms.length === b.syms.length && a.syms.every((s, i) => s === b.syms[i]);
}

/** a * b; symbolic factors multiply ("batch" * 768 = "768*batch"). */
export function mulDims(a: Dim, b: Dim): Dim {
  if (a === 0 || b === 0) return 0;
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return null;
  if ((x.opaque || y.opaque) && !(isOne(x) || isOne(y))) return null;
  if (isOne(x)) return b;
  if (isOne(y)) return a;
  return format({ coef: x.coef * y.coef, syms: [...x.syms, ...y.syms].sort() });
}

function isOne(m: Monomial): boolean {
  return m.coef === 1 && m.syms.length === 0;
}

/** a / b when it divides exactly ("768*batch" / 768 = "batch"); null otherwise. */
export function divDims(a: Dim, b: Dim): Dim {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y || y.coef === 0) return null;
  if (y.syms.length === 0 && y.coef === 1) return a;
  if (x.opaque || y.opaque) return a === b ? 1 : null;
  if (x.coef % y.coef !== 0) return null;
  const rest = [...x.syms];
  for (const s of y.syms) {
    const i = rest.indexOf(s);
    if (i < 0) return null;
    rest.splice(i, 1);
  }
  return format({ coef: x.coef / y.coef, syms: rest });
}

/** a + b for numbers and like terms ("seq" + "seq" = "2*seq"); null otherwise. */
export function addDims(a: Dim, b: Dim): Dim {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return null;
  if (y.coef === 0) return a;
  if (x.coef === 0) return b;
  if (x.opaque || y.opaque || !sameSyms(x, y)) return null;
  return format({ coef: x.coef + y.coef, syms: x.syms });
}

/** a - b for numbers and like terms ("batch" - "batch" = 0); null otherwise. */
export function subDims(a: Dim, b: Dim): Dim {
  if (typeof b === "number") return addDims(a, -b);
  if (a === b && a !== null) return 0;
  const x = parse(a);
  const y = parse(b);
  if (!x || !y || x.opaque || y.opaque || !sameSyms(x, y)) return null;
  return format({ coef: x.coef - y.coef, syms: x.syms });
}

/** Product of all dims (1 for none); null when any is unknown. */
export function productOfDims(dims: readonly Dim[]): Dim {
  let p: Dim = 1;
  for (const d of dims) p = mulDims(p, d);
  return p;
}

/** True when both dims are known and provably equal. */
export function dimsEqual(a: Dim, b: Dim): boolean {
  if (a === null || b === null) return false;
  if (a === b) return true;
  const x = parse(a);
  const y = parse(b);
  return !!x && !!y && !x.opaque && !y.opaque && x.coef === y.coef && sameSyms(x, y);
}

/** The number a dim takes once its symbols are bound; undefined when a symbol is unbound. */
export function evaluateDim(d: Dim, bindings: ReadonlyMap<string, number>): number | undefined {
  const mp = minParts(d);
  if (mp) {
    const v = evaluateDim(mp.of, bindings);
    return v === undefined ? undefined : Math.min(v, mp.cap);
  }
  const m = parse(d);
  if (!m) return undefined;
  if (m.opaque) return bindings.get(m.syms[0]!);
  let v = m.coef;
  for (const s of m.syms) {
    const b = bindings.get(s);
    if (b === undefined) return undefined;
    v *= b;
  }
  return v;
}

/** Symbol names a dim mentions ("768*batch*seq" → batch, seq). */
export function dimSymbols(d: Dim): string[] {
  const m = parse(d);
  return m ? m.syms : [];
}

/**
 * min(s, cap) for a symbolic s: what a Slice from 0 to a symbolic end keeps of a dim of known size
 * (position embeddings cut to the sequence length). An opaque symbol that broadcastDim and the
 * backward's unbroadcast know how to compare with s.
 */
export function minDim(s: Dim, cap: number): Dim {
  if (typeof s === "number") return Math.min(s, cap);
  return s === null ? null : `min(${s},${cap})`;
}

const MIN = /^min\((.+),(\d+)\)$/;

/** The parts of a minDim, or undefined for any other dim. */
export function minParts(d: Dim): { of: string; cap: number } | undefined {
  const m = typeof d === "string" ? MIN.exec(d) : null;
  return m ? { of: m[1]!, cap: Number(m[2]) } : undefined;
}

/** Normalizes a possibly negative axis against a rank; throws when out of range. */
export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}
