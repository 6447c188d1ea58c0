import { test } from "node:test";
import assert from "node:assert/strict";
import { binomialCdf, verificationFailure } from "./transform.js";
import type { CompareReport } from "../verify/compare.js";

function choose(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

test("binomialCdf matches the textbook sum", () => {
  for (const [n, p] of [[8, 0.9], [32, 0.9], [100, 0.95], [5, 0.5]] as const) {
    let sum = 0;
    for (let k = 0; k <= n; k++) {
      sum += choose(n, k) * p ** k * (1 - p) ** (n - k);
      assert.ok(Math.abs(binomialCdf(k, n, p) - Math.min(1, sum)) < 1e-12, `n ${n} p ${p} k ${k}`);
    }
  }
});

test("verification fails below the SQNR bar, on NaN, and on top-1 agreement clearly below its bar", () => {
  const report = (sqnrDb: number, samples: number, agree?: number): CompareReport => ({
    samples,
    outputs: [],
    sqnrDb,
    warnings: [],
    ...(agree !== undefined ? { top1Agreement: agree / samples } : {}),
  });
  const limits = { minSqnr: 10, minTop1: 90 };
  assert.equal(verificationFailure(report(35, 8, 8), limits), null);
  assert.equal(verificationFailure(report(Infinity, 4), limits), null);
  assert.equal(verificationFailure(report(9.9, 8, 8), limits), "SQNR 9.9 dB < 10 dB");
  assert.match(verificationFailure(report(NaN, 8), limits)!, /NaN or infinite/);
  // One or two flips among 8 is within noise of 90%; three is not.
  assert.equal(verificationFailure(report(30, 8, 7), limits), null);
  assert.equal(verificationFailure(report(30, 8, 6), limits), null);
  assert.equal(verificationFailure(report(30, 8, 5), limits), "top-1 agreement 5 of 8 (62.5%) < 90%");
  assert.equal(verificationFailure(report(30, 32, 26), limits), null);
  assert.equal(verificationFailure(report(3, 32, 25), limits), "SQNR 3.0 dB < 10 dB, top-1 agreement 25 of 32 (78.1%) < 90%");
  assert.equal(verificationFailure(report(30, 32, 25), { minSqnr: 10, minTop1: 70 }), null);
});
