// int64 fields arrive as bigint; the IR uses numbers. Values beyond ±2^63 (INT64_MAX sentinels
// such as Slice ends, which lose precision as doubles) are clamped back into range on write.
// Integer attributes holding values a double cannot represent exactly (past ±2^53) remember
// what was read, so an untouched attribute is written back bit for bit.

const MAX = 2n ** 63n - 1n;
const MIN = -(2n ** 63n);

export function fromInt64(v: bigint): number {
  return Number(v);
}

export function toInt64(v: number): bigint {
  if (v >= 9223372036854775807) return MAX;
  if (v <= -9223372036854775808) return MIN;
  return BigInt(Math.trunc(v));
}

const exact = new WeakMap<object, bigint[]>();

/** Records the int64 values `owner` was read from when some are not exact as numbers. */
export function rememberInt64(owner: object, values: readonly bigint[]): void {
  if (values.some((v) => !Number.isSafeInteger(Number(v)))) exact.set(owner, [...values]);
}

/** `values` as int64: what was read, while the numbers still match it; else converted. */
export function int64Of(owner: object, values: readonly number[]): bigint[] {
  const read = exact.get(owner);
  if (read && read.length === values.length && read.every((v, i) => Number(v) === values[i])) return read;
  return values.map(toInt64);
}
