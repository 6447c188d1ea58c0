// Exact power-of-two helpers. Histogram bin widths are powers of two so that binning by
// multiplication is exact and bins of different widths nest; Math.log2/Math.pow are not
// guaranteed exact at the edges, so exponents are read from and written to the IEEE-754 bits.

const view = new DataView(new ArrayBuffer(8));

/** floor(log2(x)) for finite x > 0, exact (subnormals included). */
export function floorLog2(x: number): number {
  if (!(x > 0) || x === Infinity) throw new RangeError(`floorLog2 needs a finite positive number, got ${x}`);
  view.setFloat64(0, x);
  const biased = (view.getUint32(0) >>> 20) & 0x7ff;
  if (biased !== 0) return biased - 1023;
  // Subnormal: scale into the normal range first.
  view.setFloat64(0, x * 2 ** 64);
  return ((view.getUint32(0) >>> 20) & 0x7ff) - 1023 - 64;
}

/** 2^e exactly, for integer e in the normal float64 range [-1022, 1023]. */
export function pow2(e: number): number {
  if (!Number.isInteger(e) || e < -1022 || e > 1023) throw new RangeError(`pow2 exponent out of range: ${e}`);
  view.setUint32(0, (e + 1023) << 20);
  view.setUint32(4, 0);
  return view.getFloat64(0);
}
