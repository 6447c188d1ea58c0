// Images on disk: root/<class>/<file> (label = index of the class folder in sorted order, like
// torchvision's ImageFolder) or a flat folder of unlabeled images, or a single image file.
// Only the listing happens up front; each image is decoded in `get`, since folders can be large.

import { readdir, stat } from "node:fs/promises";
import { basename, join, extname } from "node:path";
import type { DataOptions, Dataset, Sample } from "./dataset.js";
import { POSITIONAL_INPUT } from "./positional-input.js";
import { fail, reason } from "./data-error.js";
import { imageSettings } from "./image-settings.js";
import { imageTensor } from "./image-tensor.js";
import { decodePixels, imageSize } from "./image-decode.js";
import { checkIndex } from "./check-index.js";

export const IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff"] as const;

export function isImageFile(name: string): boolean {
  return (IMAGE_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());
}

// How many files are probed for their size when no --size is given: enough to catch mixed
// folders early without reading every header of a large folder.
const SIZE_PROBES = 16;

interface Entry {
  readonly file: string;
  readonly label?: number;
}

export async function openImageFolder(dir: string, options: DataOptions = {}): Promise<Dataset> {
  const { files, dirs } = await list(dir);
  const loose = files.filter(isImageFile);
  const classDirs = dirs.sort();
  let entries: Entry[];
  let classNames: string[] | undefined;
  if (classDirs.length > 0) {
    if (loose.length > 0) {
      fail(`${dir} holds both images and sub-folders; put every image in a class folder (root/<class>/<image>) or use a folder of images only`);
    }
    // Alongside training data, class folders keep the training indices even if some are missing here.
    const like = options.labelsLike?.classNames;
    const stray = like ? classDirs.find((c) => !like.includes(c)) : undefined;
    if (stray !== undefined) fail(`${dir} has a class folder '${stray}' that the training data does not have (${like!.join("/")})`);
    classNames = like ? [...like] : classDirs;
    entries = [];
    for (const cls of classDirs) {
      const label = classNames.indexOf(cls);
      for (const file of await imagesUnder(join(dir, cls))) entries.push({ file, label });
    }
  } else {
    entries = loose.sort().map((f) => ({ file: join(dir, f) }));
  }
  if (entries.length === 0) {
    const dataFiles = files.filter((f) => /ubyte|\.(npy|npz|jsonl|json|tsv|csv|txt)(\.gz)?$/i.test(f)).sort();
    const hint =
      dataFiles.length > 0
        ? `it holds data files (${dataFiles.slice(0, 3).join(", ")}): pass one of them instead`
        : "point at a folder of images or of class folders";
    fail(`${dir} has no images (${IMAGE_EXTENSIONS.join(" ")}); ${hint}`);
  }
  const what = classNames ? `${entries.length} images in ${classNames.length} classes` : `${entries.length} images`;
  return imageDataset(`image folder ${dir}`, what, entries, classNames, options);
}

export async function openImageFile(path: string, options: DataOptions = {}): Promise<Dataset> {
  return imageDataset(`image ${basename(path)}`, "1 image", [{ file: path }], undefined, options);
}

async function imageDataset(
  title: string,
  what: string,
  entries: Entry[],
  classNames: string[] | undefined,
  options: DataOptions,
): Promise<Dataset> {
  const s = imageSettings(options, "rgb");
  const [height, width] = s.size ?? (await commonSize(entries, title));
  const get = async (index: number): Promise<Sample> => {
    checkIndex(index, entries.length, title);
    const { file, label } = entries[index]!;
    const px = await decodePixels(file, s);
    if (px.height !== height || px.width !== width) {
      fail(`${basename(file)} is ${px.height}x${px.width} but other images are ${height}x${width}; pass --size H,W to resize them all`);
    }
    const tensor = imageTensor(px.data, px.height, px.width, px.channels, s);
    return label === undefined ? { inputs: { [POSITIONAL_INPUT]: tensor } } : { inputs: { [POSITIONAL_INPUT]: tensor }, label };
  };
  return {
    description: `${title} (${what}, ${height}x${width} ${s.color} ${s.layout})`,
    size: entries.length,
    inputNames: null,
    hasLabels: classNames !== undefined,
    ...(classNames ? { classNames } : {}),
    get,
  };
}

/** The size shared by a spread of the images; differing sizes need an explicit resize target. */
async function commonSize(entries: Entry[], title: string): Promise<[number, number]> {
  const step = Math.max(1, Math.floor(entries.length / SIZE_PROBES));
  const probes = entries.filter((_, i) => i % step === 0).slice(0, SIZE_PROBES + 1);
  const sizes = await Promise.all(probes.map((e) => imageSize(e.file)));
  const first = sizes[0]!;
  const other = sizes.findIndex((d) => d.height !== first.height || d.width !== first.width);
  if (other >= 0) {
    const a = basename(probes[0]!.file);
    const b = basename(probes[other]!.file);
    const [h, w] = [sizes[other]!.height, sizes[other]!.width];
    fail(`${title} has images of different sizes (${a} is ${first.height}x${first.width}, ${b} is ${h}x${w}); pass --size H,W to resize them all`);
  }
  return [first.height, first.width];
}

async function list(dir: string): Promise<{ files: string[]; dirs: string[] }> {
  let items;
  try {
    items = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    fail(`cannot list folder ${dir}: ${reason(e)}`);
  }
  const files: string[] = [];
  const dirs: string[] = [];
  for (const d of items) {
    if (d.name.startsWith(".")) continue;
    // Symlinks are followed: data sets are often assembled from links into a shared store.
    const kind = d.isSymbolicLink() ? await stat(join(dir, d.name)).catch(() => undefined) : d;
    if (kind?.isFile()) files.push(d.name);
    else if (kind?.isDirectory()) dirs.push(d.name);
  }
  return { files, dirs };
}

/** Images anywhere below a class folder, sorted by relative path for a stable order. */
async function imagesUnder(dir: string): Promise<string[]> {
  const { files, dirs } = await list(dir);
  const out = files.filter(isImageFile).map((f) => join(dir, f));
  for (const d of dirs) out.push(...(await imagesUnder(join(dir, d))));
  return out.sort();
}
