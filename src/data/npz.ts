// The NumPy .npz format: a zip archive (stored or deflated) of .npy members, one per array key.

import { writeFile } from "node:fs/promises";
import { unzipSync, zipSync, type Zippable } from "fflate";
import type { HostTensor } from "../runtime/host-tensor.js";
import { fail, reason } from "./data-error.js";
import { decodeNpy, encodeNpy } from "./npy.js";

export function isZip(bytes: Uint8Array): boolean {
  // Local file header, or the end-of-central-directory record of an empty archive.
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

/** Arrays by key (member name without ".npy"), in archive order. */
export function decodeNpz(bytes: Uint8Array, name = "archive.npz"): Map<string, HostTensor> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    fail(`${name} is not a readable .npz (zip) archive (${reason(e)}); save it with numpy.savez`);
  }
  const out = new Map<string, HostTensor>();
  for (const [member, data] of Object.entries(files)) {
    if (member.endsWith("/")) continue; // directory entries
    const key = member.replace(/\.npy$/, "");
    out.set(key, decodeNpy(data, `${name}[${key}]`));
  }
  return out;
}

export interface NpzOptions {
  /** Deflate members like numpy.savez_compressed (default false, like numpy.savez). */
  compress?: boolean;
}

export function encodeNpz(arrays: Record<string, HostTensor>, options: NpzOptions = {}): Uint8Array {
  const files: Zippable = {};
  for (const [key, t] of Object.entries(arrays)) files[`${key}.npy`] = encodeNpy(t);
  // A fixed timestamp keeps archives byte-identical across runs.
  return zipSync(files, { level: options.compress ? 6 : 0, mtime: new Date(1980, 0, 1) });
}

export async function writeNpz(path: string, arrays: Record<string, HostTensor>, options: NpzOptions = {}): Promise<void> {
  await writeFile(path, encodeNpz(arrays, options));
}
