// The histogram's hot loop: counts[floor(v * 2^-exp) - offset]++ over a Float32Array. Callers
// have already widened the grid to cover every finite value, so no bounds check is needed.
// Scale and offset arrive as arguments (locals): module-level constants cost ~3x here in V8.

import { CHUNK } from "./scan.js";

export function binValues(values: Float32Array, counts: Float64Array, inv: number, offset: number, allFinite: boolean): void {
  const n = values.length;
  // Chunked for reliable tier-up, as in scanFinite.
  for (let from = 0; from < n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK);
    if (allFinite) binAll(values, from, to, counts, inv, offset);
    else binFinite(values, from, to, counts, inv, offset);
  }
}

// Two monomorphic loops, so the common all-finite case carries no per-value test.
function binAll(values: Float32Array, from: number, to: number, counts: Float64Array, inv: number, offset: number): void {
  for (let i = from; i < to; i++) counts[Math.floor(values[i]! * inv) - offset]!++;
}

function binFinite(values: Float32Array, from: number, to: number, counts: Float64Array, inv: number, offset: number): void {
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    // NaN and ±Infinity give NaN here: skipped.
    if (v - v === 0) counts[Math.floor(v * inv) - offset]!++;
  }
}
