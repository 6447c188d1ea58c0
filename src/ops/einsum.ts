// Einsum: each letter names one dim across operands; "..." stands for broadcast batch dims.
// Without "->", the output is "..." then the letters used once, alphabetically (numpy's rule).

import type { Dim } from "../ir/value.js";
import { A, defineOp, type OpDef } from "./schema.js";
import { broadcastDim, broadcastShapes } from "./broadcast.js";

interface Term {
  letters: string[];
  /** Position of "..." among the letters, or -1. */
  ellipsisAt: number;
}

function parseTerm(s: string): Term {
  const t = s.trim();
  const at = t.indexOf("...");
  const letters = t.replace("...", "").split("");
  for (const l of letters) if (!/[A-Za-z]/.test(l)) throw new Error(`Einsum term "${s}" has a bad label "${l}"`);
  return { letters, ellipsisAt: at < 0 ? -1 : at };
}

export function einsumShape(equation: string, shapes: readonly (readonly Dim[] | undefined)[]): Dim[] | undefined {
  const [lhs, rhs] = equation.split("->") as [string, string | undefined];
  const terms = lhs.split(",").map(parseTerm);
  if (terms.length !== shapes.length) throw new Error(`Einsum "${equation}" names ${terms.length} operands, the node has ${shapes.length}`);
  const sizes = new Map<string, Dim>();
  const ellipses: Dim[][] = [];
  for (const [k, term] of terms.entries()) {
    const shape = shapes[k];
    if (!shape) return undefined;
    const ellipsisRank = shape.length - term.letters.length;
    if (ellipsisRank < 0 || (term.ellipsisAt < 0 && ellipsisRank !== 0)) throw new Error(`Einsum term ${k} does not match rank ${shape.length}`);
    const head = term.ellipsisAt < 0 ? term.letters.length : term.ellipsisAt;
    term.letters.forEach((l, i) => {
      const d = shape[i < head ? i : i + ellipsisRank]!;
      sizes.set(l, sizes.has(l) ? broadcastDim(sizes.get(l)!, d) : d);
    });
    if (term.ellipsisAt >= 0) ellipses.push(shape.slice(head, head + ellipsisRank));
  }
  const batch = broadcastShapes(...ellipses) ?? [];
  const out = rhs !== undefined ? parseTerm(rhs) : implicitOutput(terms);
  const dims = out.letters.map((l) => {
    if (!sizes.has(l)) throw new Error(`Einsum output label "${l}" is not in any input`);
    return sizes.get(l)!;
  });
  if (out.ellipsisAt < 0) return rhs === undefined ? [...batch, ...dims] : dims;
  return [...dims.slice(0, out.ellipsisAt), ...batch, ...dims.slice(out.ellipsisAt)];
}

function implicitOutput(terms: readonly Term[]): Term {
  const count = new Map<string, number>();
  for (const t of terms) for (const l of t.letters) count.set(l, (count.get(l) ?? 0) + 1);
  const letters = [...count].filter(([, n]) => n === 1).map(([l]) => l).sort();
  return { letters, ellipsisAt: -1 };
}

export const einsumOps: OpDef[] = [
  defineOp({
    opType: "Einsum",
    versions: [{ since: 12, inputs: ["Inputs..."], outputs: ["Output"], attrs: { equation: A.req("string") } }],
    infer: (c) => {
      const shapes = c.node.inputs.map((_, i) => c.shape(i));
      c.out(0, c.dtype(0), einsumShape(c.string("equation").replace(/\s+/g, ""), shapes));
    },
  }),
];
