// MNIST-style idx image files (uint8 [N,H,W], magic 0x00000803) with an optional idx label file
// (uint8 [N], magic 0x00000801). Both are small, so they are loaded whole and `get` only slices.

import { access } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { DataOptions, Dataset, Sample } from "./dataset.js";
import { POSITIONAL_INPUT } from "./positional-input.js";
import { fail } from "./data-error.js";
import { decodeIdx, idxMagic } from "./idx.js";
import { imageSettings } from "./image-settings.js";
import { imageTensor } from "./image-tensor.js";
import { decodePixels } from "./image-decode.js";
import { readBytes } from "./read-bytes.js";
import { checkIndex } from "./check-index.js";

export async function openIdx(path: string, bytes: Uint8Array, options: DataOptions = {}): Promise<Dataset> {
  const name = basename(path);
  const images = decodeIdx(bytes, name);
  if (images.typeCode === 0x08 && images.dims.length === 1) {
    fail(`${name} is an idx label file; pass the image file as the dataset and this one with --labels`);
  }
  if (images.typeCode !== 0x08 || images.dims.length !== 3) {
    fail(`${name} is not an idx image file (magic ${idxMagic(bytes)}; expected 0x00000803 for uint8 [N,H,W] images)`);
  }
  const [count, height, width] = images.dims as [number, number, number];
  const settings = imageSettings(options, "gray");

  const labelPath = options.labels ?? (await siblingLabels(path));
  const labels = labelPath === undefined ? undefined : await readIdxLabels(labelPath, count);
  const labelNote = labelPath === undefined ? "" : ` with labels${options.labels ? "" : ` ${basename(labelPath)} (found beside it)`}`;

  const plane = height * width;
  const get = async (index: number): Promise<Sample> => {
    checkIndex(index, count, name);
    let px = { data: images.data.subarray(index * plane, (index + 1) * plane), height, width, channels: 1 };
    if (settings.size) px = await decodePixels(px, settings);
    const tensor = imageTensor(px.data, px.height, px.width, px.channels, settings);
    return labels ? { inputs: { [POSITIONAL_INPUT]: tensor }, label: labels[index]! } : { inputs: { [POSITIONAL_INPUT]: tensor } };
  };
  return {
    description: `idx images ${name} (${count} x ${height}x${width})${labelNote}`,
    size: count,
    inputNames: null,
    hasLabels: labels !== undefined,
    get,
  };
}

async function readIdxLabels(path: string, expected: number): Promise<Uint8Array> {
  const name = basename(path);
  const bytes = await readBytes(path);
  const arr = decodeIdx(bytes, name);
  if (arr.typeCode !== 0x08 || arr.dims.length !== 1) {
    fail(`${name} is not an idx label file (magic ${idxMagic(bytes)}; expected 0x00000801 for uint8 [N] labels)`);
  }
  if (arr.dims[0] !== expected) {
    fail(`${name} has ${arr.dims[0]} labels but the image file has ${expected} images; pass the matching label file with --labels`);
  }
  return arr.data;
}

/** "x-images-idx3-ubyte[.gz]" → an existing "x-labels-idx1-ubyte[.gz]" beside it, if any. */
async function siblingLabels(path: string): Promise<string | undefined> {
  const base = basename(path).replace(/\.gz$/i, "");
  if (!/images/.test(base)) return undefined;
  const stem = base.replace("images", "labels").replace("idx3", "idx1");
  for (const candidate of [stem, `${stem}.gz`]) {
    const full = join(dirname(path), candidate);
    try {
      await access(full);
      return full;
    } catch {
      // not there; try the next spelling
    }
  }
  return undefined;
}
