// Deciding what a dataset path holds. Content beats names: magic bytes first (NumPy, zip, idx,
// gzip undone), then the directory/image/text cases, with extensions used only for text layouts
// and for clearer errors when a file's content contradicts its name.

import { stat } from "node:fs/promises";
import { extname } from "node:path";
import { fail } from "./data-error.js";
import { innerName, readBytes } from "./read-bytes.js";
import { isNpy } from "./npy.js";
import { isZip } from "./npz.js";
import { idxMagic, looksLikeIdx } from "./idx.js";
import { isImageFile } from "./image-folder-dataset.js";
import { textFormat, type TextFormat } from "./text-format.js";

export type Detected =
  | { kind: "npy" | "npz" | "idx"; bytes: Uint8Array }
  | { kind: "image-folder" | "image" }
  | { kind: "text"; format: TextFormat; content: string };

const USAGE = "a .npy/.npz file, an idx file, a folder of images, or a text file (.jsonl/.tsv/.csv)";

export async function detectFormat(path: string): Promise<Detected> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    fail(`dataset not found: ${path}; pass ${USAGE}`);
  }
  if (isDir) return { kind: "image-folder" };
  if (isImageFile(path)) return { kind: "image" };

  const bytes = await readBytes(path);
  const name = innerName(path);
  const ext = extname(name).toLowerCase();
  if (isNpy(bytes)) return { kind: "npy", bytes };
  if (isZip(bytes)) return { kind: "npz", bytes };
  if (looksLikeIdx(bytes)) return { kind: "idx", bytes };

  if (ext === ".npy" || ext === ".npz") fail(`${name} has extension ${ext} but is not a NumPy file; save it with numpy.save / numpy.savez`);
  if (/ubyte|\.idx\d?$/i.test(name)) fail(`${name} is not an idx file (magic ${idxMagic(bytes)}; expected 0x00000803 for images or 0x00000801 for labels)`);
  if (bytes.subarray(0, 4096).includes(0)) fail(`unknown data format for ${name}: it is binary but not NumPy, zip or idx; pass ${USAGE}`);
  let content: string;
  try {
    content = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    fail(`${name} is not UTF-8 text and not a known binary format; pass ${USAGE}`);
  }
  content = content.replace(/^\ufeff/, ""); // a byte-order mark would break the first JSON line or header
  return { kind: "text", format: textFormat(content, ext), content };
}
