// Elementwise ops of several tensors with numpy broadcasting: arithmetic, comparisons, logic,
// variadic Sum/Mean/Min/Max and Where. Arithmetic on tracked elements keeps symbols where the
// result is a product (Mul), an exact quotient (Div) or a like-term sum (Add/Sub).

import type { Dim } from "../ir/value.js";
import { DataType, isFloatType } from "../ir/dtype.js";
import type { InferContext } from "./infer-context.js";
import { A, defineOp, type OpDef, type ShapeRule, type VersionSpec } from "./schema.js";
import { broadcastShapes } from "./broadcast.js";
import { addDims, divDims, mulDims, subDims } from "./dims.js";
import { mapBroadcast, type SymTensor } from "./sym-tensor.js";

type ElementFn = (xs: Dim[], dtype: DataType) => Dim;

/** Numbers-only element function: any symbolic or unknown operand gives unknown. */
function numeric(fn: (...xs: number[]) => number): ElementFn {
  return (xs) => (xs.every((x) => typeof x === "number") ? fn(...(xs as number[])) : null);
}

function elementwise(inputs: readonly number[], outDtype: (c: InferContext) => DataType | undefined, fn?: ElementFn): ShapeRule {
  return (c) => {
    const present = inputs.filter((i) => c.has(i));
    const dtype = outDtype(c);
    // Before opset 7, broadcasting was opt-in (broadcast=1) and B was matched to A from `axis`: Y is shaped like A.
    const legacy = c.opset < 7 && c.node.getInt("broadcast") !== undefined;
    c.out(0, dtype, legacy ? c.shape(0) : broadcastShapes(...present.map((i) => c.shape(i))));
    if (!fn || dtype === undefined || legacy) return;
    const values = present.map((i) => c.value(i));
    if (values.every((v): v is SymTensor => v !== undefined)) c.outValue(0, mapBroadcast(values, dtype, (xs) => fn(xs, dtype)));
  };
}

const first = (c: InferContext): DataType | undefined => c.dtype(0);
const bool = (): DataType => DataType.BOOL;

const LEGACY_BROADCAST = { broadcast: A.int(0), axis: A.int() };

/** A binary op with legacy (opset < 7) broadcast attributes when it is that old. */
function binary(opType: string, since: number, outDtype: (c: InferContext) => DataType | undefined, fn?: ElementFn, attrs = {}): OpDef {
  const versions: VersionSpec[] =
    since < 7
      ? [
          { since, inputs: ["A", "B"], outputs: ["C"], attrs: { ...LEGACY_BROADCAST, ...attrs } },
          { since: 7, inputs: ["A", "B"], outputs: ["C"], attrs },
        ]
      : [{ since, inputs: ["A", "B"], outputs: ["C"], attrs }];
  return defineOp({ opType, versions, infer: elementwise([0, 1], outDtype, fn) });
}

function divide(xs: Dim[], dtype: DataType): Dim {
  const [a, b] = xs as [Dim, Dim];
  if (typeof a === "number" && typeof b === "number") return isFloatType(dtype) ? a / b : Math.trunc(a / b);
  return divDims(a, b);
}

function equal([a, b]: Dim[]): Dim {
  if (a === null || b === null) return null;
  if (a === b) return 1;
  if (typeof a === "number" && typeof b === "number") return 0;
  // A dim is never negative, so a symbol differs from any negative number (the -1 of Reshape/Expand).
  if ((typeof a === "number" && a < 0) || (typeof b === "number" && b < 0)) return 0;
  return null;
}

function compare(less: boolean, orEqual: boolean): ElementFn {
  return ([a, b]) => {
    if (typeof a === "number" && typeof b === "number") return (less ? a < b : a > b) || (orEqual && a === b) ? 1 : 0;
    // symbol vs negative number: the symbol is the larger one.
    if (typeof a === "string" && typeof b === "number" && b < 0) return less ? 0 : 1;
    if (typeof b === "string" && typeof a === "number" && a < 0) return less ? 1 : 0;
    return null;
  };
}

function mod(fmod: boolean): (a: number, b: number) => number {
  return (a, b) => {
    const r = a % b;
    return fmod || r === 0 || Math.sign(r) === Math.sign(b) ? r : r + b;
  };
}

function variadic(opType: string, outFn?: ElementFn): OpDef {
  return defineOp({
    opType,
    versions: [{ since: 1, inputs: ["data_0..."], outputs: ["out"] }],
    infer: (c) => elementwise([...Array(c.inputCount).keys()], first, outFn)(c),
  });
}

export const binaryOps: OpDef[] = [
  binary("Add", 1, first, ([a, b]) => addDims(a!, b!)),
  binary("Sub", 1, first, ([a, b]) => subDims(a!, b!)),
  binary("Mul", 1, first, ([a, b]) => mulDims(a!, b!)),
  binary("Div", 1, first, divide),
  binary("Pow", 1, first, numeric(Math.pow)),
  defineOp({
    opType: "Mod",
    versions: [{ since: 10, inputs: ["A", "B"], outputs: ["C"], attrs: { fmod: A.int(0) } }],
    infer: (c) => elementwise([0, 1], first, numeric(mod(c.int("fmod") === 1)))(c),
  }),
  binary("And", 1, bool, numeric((a, b) => (a && b ? 1 : 0))),
  binary("Or", 1, bool, numeric((a, b) => (a || b ? 1 : 0))),
  binary("Xor", 1, bool, numeric((a, b) => (!a !== !b ? 1 : 0))),
  binary("Equal", 1, bool, equal),
  binary("Less", 1, bool, compare(true, false)),
  binary("Greater", 1, bool, compare(false, false)),
  binary("LessOrEqual", 12, bool, compare(true, true)),
  binary("GreaterOrEqual", 12, bool, compare(false, true)),
  binary("BitShift", 11, first, undefined, { direction: A.req("string") }),
  binary("BitwiseAnd", 18, first),
  binary("BitwiseOr", 18, first),
  binary("BitwiseXor", 18, first),
  defineOp({ opType: "PRelu", versions: [{ since: 7, inputs: ["X", "slope"] }], infer: elementwise([0, 1], first) }),
  variadic("Sum", (xs) => xs.reduce<Dim>((acc, x) => addDims(acc, x), 0)),
  variadic("Mean", numeric((...xs) => xs.reduce((a, b) => a + b, 0) / xs.length)),
  variadic("Max", numeric(Math.max)),
  variadic("Min", numeric(Math.min)),
  defineOp({
    opType: "Where",
    versions: [{ since: 9, inputs: ["condition", "X", "Y"], outputs: ["output"] }],
    infer: elementwise([0, 1, 2], (c) => c.dtype(1), ([cond, x, y]) => (typeof cond === "number" ? (cond ? x! : y!) : null)),
  }),
];
