// Moving between HostTensors and plain numbers: building small tensors by hand and reading
// integer tensors (labels) whatever their element type.

import { type HostTensor, type HostType, allocHost } from "../runtime/host-tensor.js";
import { fail } from "./data-error.js";

/** A tensor from plain numbers (float16 takes raw 16-bit words). */
export function hostFrom(type: HostType, dims: readonly number[], values: ArrayLike<number | bigint>): HostTensor {
  const t = allocHost(type, dims);
  const data = t.data as unknown as (number | bigint)[];
  if (values.length !== data.length) fail(`expected ${data.length} values for shape [${dims}], got ${values.length}`);
  const big = t.type === "int64" || t.type === "uint64";
  for (let i = 0; i < values.length; i++) data[i] = big ? BigInt(values[i]!) : Number(values[i]!);
  return t;
}

/** Elements as JS numbers; int64 beyond 2^53 loses precision, which labels never reach. */
export function numbersOf(t: HostTensor): number[] {
  if (t.type === "float16") fail("cannot read float16 values as numbers here; convert the array to float32 or an integer type");
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}
