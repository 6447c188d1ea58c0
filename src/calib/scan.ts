// One pass over a batch for its finite extremes. NaN and ±Infinity are counted, never part of
// a range: an activation that overflowed once must not make every other value quantize to 0.

export interface NonFiniteCounts {
  nan: number;
  posInf: number;
  negInf: number;
}

export interface Scan extends NonFiniteCounts {
  /** Count of finite values; min/max are ±Infinity when it is 0. */
  finite: number;
  min: number;
  max: number;
}

/**
 * Work is done in chunks: a few calls with one long loop each sometimes leave V8 running its
 * on-stack-replacement code at a fraction of full speed; many short calls tier up reliably.
 */
export const CHUNK = 16384;

const acc = new Float64Array(3); // running min, max, non-finite count across chunks

export function scanFinite(values: Float32Array): Scan {
  const n = values.length;
  acc[0] = Infinity;
  acc[1] = -Infinity;
  acc[2] = 0;
  for (let from = 0; from < n; from += CHUNK) scanChunk(values, from, Math.min(n, from + CHUNK), acc);
  const bad = acc[2]!;
  const out: Scan = { finite: n - bad, min: acc[0]!, max: acc[1]!, nan: 0, posInf: 0, negInf: 0 };
  if (bad > 0) {
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (v !== v) out.nan++;
      else if (v === Infinity) out.posInf++;
      else if (v === -Infinity) out.negInf++;
    }
  }
  return out;
}

function scanChunk(values: Float32Array, from: number, to: number, state: Float64Array): void {
  let min = state[0]!;
  let max = state[1]!;
  let bad = state[2]!;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    // v - v is NaN for NaN and ±Infinity, 0 otherwise: one rarely-taken branch.
    if (v - v !== 0) {
      bad++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
  }
  state[0] = min;
  state[1] = max;
  state[2] = bad;
}

export function noNonFinite(): NonFiniteCounts {
  return { nan: 0, posInf: 0, negInf: 0 };
}

export function addNonFinite(into: NonFiniteCounts, from: NonFiniteCounts): void {
  into.nan += from.nan;
  into.posInf += from.posInf;
  into.negInf += from.negInf;
}
