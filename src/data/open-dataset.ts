// The one entry point every command uses: detect the format of a path and open it.

import type { DataOptions, Dataset } from "./dataset.js";
import { fail } from "./data-error.js";
import { detectFormat } from "./detect-format.js";
import { openNpy, openNpz } from "./npy-dataset.js";
import { openIdx } from "./idx-dataset.js";
import { openImageFile, openImageFolder } from "./image-folder-dataset.js";
import { openText } from "./text-dataset.js";
import { takeFirst } from "./take-first.js";

export async function openDataset(spec: string, options: DataOptions = {}): Promise<Dataset> {
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit > 0)) {
    fail(`limit must be a positive integer, got ${options.limit}`);
  }
  const found = await detectFormat(spec);
  const ds = await openDetected(spec, found, options);
  return options.limit !== undefined ? takeFirst(ds, options.limit) : ds;
}

async function openDetected(spec: string, found: Awaited<ReturnType<typeof detectFormat>>, options: DataOptions): Promise<Dataset> {
  switch (found.kind) {
    case "npy":
      return openNpy(spec, found.bytes);
    case "npz":
      return openNpz(spec, found.bytes, options);
    case "idx":
      return openIdx(spec, found.bytes, options);
    case "image-folder":
      return openImageFolder(spec, options);
    case "image":
      return openImageFile(spec, options);
    case "text":
      return openText(spec, found.content, found.format, options);
  }
}
