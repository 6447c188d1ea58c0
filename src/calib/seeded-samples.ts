// Reproducible sample distributions for the calibration tests and the histogram benchmark.

import { mulberry32 } from "../data/seeded-shuffle.js";

export function uniformSamples(n: number, lo: number, hi: number, seed = 1): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rand();
  return out;
}

/** Box–Muller standard normal draws. */
export function normalSamples(n: number, sigma = 1, seed = 1): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = sigma * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return out;
}

/** Laplace(0, b) by inverse CDF: heavy exponential tails on both sides. */
export function laplaceSamples(n: number, b = 1, seed = 1): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = rand() - 0.5;
    out[i] = -b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
  }
  return out;
}
