// Output paths: never overwrite an existing file unless asked, and refuse to write over the input.

import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { QuantaError } from "../errors.js";

export function checkOutputPath(out: string, opts: { force?: boolean; input?: string } = {}): string {
  const full = resolve(out);
  if (opts.input && resolve(opts.input) === full) throw new QuantaError(`output ${out} is the input model; choose another -o path`, 2);
  if (existsSync(full)) {
    if (statSync(full).isDirectory()) throw new QuantaError(`output ${out} is a directory; pass a file path such as ${out}/model.onnx`, 2);
    if (!opts.force) throw new QuantaError(`output ${out} already exists; pass --force to overwrite it`, 2);
  }
  return full;
}
