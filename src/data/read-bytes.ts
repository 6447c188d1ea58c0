// Reading a data file whole, with gzip undone, so every reader sees plain bytes and users may
// keep their files compressed (MNIST is distributed as .gz).

import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { gunzip } from "node:zlib";
import { promisify } from "node:util";
import { fail, reason } from "./data-error.js";

const gunzipAsync = promisify(gunzip);

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** File contents, gunzipped when the bytes start with the gzip magic. */
export async function readBytes(path: string): Promise<Uint8Array> {
  let raw: Uint8Array;
  try {
    raw = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") fail(`data file not found: ${path} (check the path)`);
    fail(`cannot read ${path}: ${reason(e)}`);
  }
  if (!isGzip(raw)) return raw;
  try {
    return await gunzipAsync(raw);
  } catch (e) {
    fail(`${basename(path)} looks gzipped but does not decompress (${reason(e)}); re-download or gunzip it yourself`);
  }
}

/** The file name without a trailing .gz, so format detection sees the inner extension. */
export function innerName(path: string): string {
  return basename(path).replace(/\.gz$/i, "");
}
