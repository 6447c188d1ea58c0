// Where external tensor data may live: only inside the model's folder. A location that is
// absolute, climbs with "..", or resolves through a symlink to somewhere else is refused.

import { realpathSync, statSync } from "node:fs";
import { isAbsolute, resolve, sep, relative } from "node:path";
import { QuantaError, quoteName } from "../../errors.js";

/** `what` names the tensor in errors, e.g. `tensor "w"`. */
export function resolveExternalPath(baseDir: string, location: string, what: string): string {
  const loc = quoteName(location);
  if (!location) throw new QuantaError(`${what} has external data without a location; the model file is damaged, re-export it`);
  if (isAbsolute(location) || /^[a-zA-Z]:[\\/]/.test(location)) {
    throw new QuantaError(`${what}: external data location ${loc} is absolute; only paths inside the model's folder are allowed`);
  }
  const base = realpathSync(baseDir);
  const target = resolve(base, location);
  if (!isInside(base, target)) {
    throw new QuantaError(`${what}: external data location ${loc} points outside the model's folder; refusing to read it`);
  }
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    throw new QuantaError(`${what}: external data file ${loc} is missing; keep it beside the model`);
  }
  if (!isInside(base, real)) {
    throw new QuantaError(`${what}: external data location ${loc} is a link leading outside the model's folder; refusing to read it`);
  }
  if (!statSync(real).isFile()) throw new QuantaError(`${what}: external data location ${loc} is not a file`);
  return real;
}

function isInside(base: string, p: string): boolean {
  const rel = relative(base, p);
  return rel !== "" && !rel.startsWith(".." + sep) && rel !== ".." && !isAbsolute(rel);
}
