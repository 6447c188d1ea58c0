// Shared test helpers: where ../shared lives, temp folders, and a float comparison.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after } from "node:test";

/** Project root (tests run from it via npm test). */
export const ROOT = process.cwd();
export const SHARED = resolve(ROOT, "../shared");
export const HAVE_SHARED = existsSync(join(SHARED, "models"));
export const SKIP_SHARED = HAVE_SHARED ? false : "../shared is absent (real models and data live there)";

export function sharedModel(name: string): string {
  return join(SHARED, "models", name);
}

/** A temp folder removed when the test file finishes. */
export function tempDir(prefix = "quanta-test-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
