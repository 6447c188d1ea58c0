// Micro benchmark of histogram updates (not a test): values/s of the bin-index loop alone, of the
// extremes scan, and of Histogram.add (scan + binning). Best of several timed rounds, since a
// shared machine adds noise. Run: npx tsx src/calib/bench-histogram.ts

import { binValues } from "./bin-loop.js";
import { Histogram } from "./histogram.js";
import { scanFinite } from "./scan.js";
import { normalSamples } from "./seeded-samples.js";

const N = 1 << 22;
const ROUNDS = 15;
const REPEAT = 4;

function rate(label: string, fn: () => void): void {
  for (let i = 0; i < 5; i++) fn(); // let the optimizing compiler settle
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < REPEAT; i++) fn();
    best = Math.min(best, performance.now() - t0);
  }
  console.log(`${label.padEnd(40)} ${((N * REPEAT) / best / 1e3).toFixed(0).padStart(5)} M values/s`);
}

const gaussian = normalSamples(N, 1, 7);
const relu = gaussian.map((v) => Math.max(v, 0)); // half the values in one bin
const withNaN = gaussian.slice();
for (let i = 0; i < N; i += 1000) withNaN[i] = NaN;

console.log(`${N} float32 values per call, one core (node ${process.version})`);
for (const [name, data] of [["gaussian", gaussian], ["relu", relu], ["gaussian, 0.1% NaN", withNaN]] as const) {
  const h = new Histogram();
  h.add(data); // the grid is now final for this data
  const counts = new Float64Array(h.bins);
  const inv = 1 / h.width;
  const offset = Math.round(h.start / h.width);
  const allFinite = h.nonFinite.nan === 0;
  rate(`bin-index loop, ${name}`, () => binValues(data, counts, inv, offset, allFinite));
  rate(`extremes scan, ${name}`, () => void scanFinite(data));
  rate(`Histogram.add, ${name}`, () => h.add(data));
}
