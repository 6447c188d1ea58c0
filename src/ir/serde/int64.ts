// int64 fields arrive as bigint; the IR uses numbers. Values beyond ±2^63 (INT64_MAX sentinels
// such as Slice ends, which lose precision as doubles) are clamped back into range on write.

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
