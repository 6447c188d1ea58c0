// Where tests find their data, from both src/data (tsx) and dist/src/data (compiled): the project
// root is the nearest folder with a package.json; ../shared sits beside it when present.

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the project root (no package.json above the tests)");
    dir = up;
  }
  return dir;
}

export const projectRoot = findRoot();

export function fixture(name: string): string {
  return join(projectRoot, "test", "fixtures", "data", name);
}

/** A file under ../shared, and a skip reason for node:test when it is absent. */
export function shared(rel: string): { path: string; skip: string | false } {
  const path = join(projectRoot, "..", "shared", rel);
  return { path, skip: existsSync(path) ? false : `../shared/${rel} is absent (shared data not available here)` };
}
