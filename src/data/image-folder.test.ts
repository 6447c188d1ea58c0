import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { openDataset } from "./open-dataset.js";
import { batches } from "./batches.js";
import { POSITIONAL_INPUT } from "./positional-input.js";

/** A solid-colour PNG (or JPEG) of the given size. */
async function solid(path: string, w: number, h: number, rgb: [number, number, number], format: "png" | "jpeg" = "png"): Promise<void> {
  const raw = Buffer.alloc(w * h * 3);
  for (let p = 0; p < w * h; p++) raw.set(rgb, p * 3);
  const img = sharp(raw, { raw: { width: w, height: h, channels: 3 } });
  await writeFile(path, await (format === "png" ? img.png() : img.jpeg({ quality: 100 })).toBuffer());
}

async function classFolders(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "quanta-img-"));
  for (const cls of ["dog", "cat", ".hidden"]) await mkdir(join(root, cls));
  await solid(join(root, "cat", "b.png"), 4, 2, [255, 0, 0]);
  await solid(join(root, "cat", "a.png"), 4, 2, [0, 255, 0]);
  await solid(join(root, "dog", "z.png"), 4, 2, [0, 0, 255]);
  await writeFile(join(root, "dog", "notes.txt"), "not an image");
  await solid(join(root, ".hidden", "x.png"), 9, 9, [1, 2, 3]);
  return root;
}

test("class folders give labels in sorted folder order, files in sorted order", async () => {
  const ds = await openDataset(await classFolders());
  assert.equal(ds.size, 3);
  assert.deepEqual(ds.classNames, ["cat", "dog"]);
  assert.equal(ds.hasLabels, true);
  assert.equal(ds.inputNames, null);
  assert.match(ds.description, /\(3 images in 2 classes, 2x4 rgb nchw\)$/);
  const first = await ds.get(0); // cat/a.png, green
  assert.equal(first.label, 0);
  const t = first.inputs[POSITIONAL_INPUT]!;
  assert.deepEqual(t.dims, [3, 2, 4]);
  assert.deepEqual([...t.data.subarray(0, 8)], new Array(8).fill(0));
  assert.deepEqual([...t.data.subarray(8, 16)], new Array(8).fill(1));
  assert.equal((await ds.get(1)).label, 0);
  assert.equal((await ds.get(2)).label, 1);
  const [b] = await collect(ds, 8);
  assert.deepEqual([...b!.labels!], [0, 0, 1]);
  assert.deepEqual(b!.inputs[POSITIONAL_INPUT]!.dims, [3, 3, 2, 4]);
});

test("an evaluation folder missing a class keeps the training folder's class indices (labelsLike)", async () => {
  const root = await mkdtemp(join(tmpdir(), "quanta-img-"));
  await mkdir(join(root, "dog"));
  await solid(join(root, "dog", "z.png"), 4, 2, [0, 0, 255]);
  const alone = await openDataset(root);
  assert.equal((await alone.get(0)).label, 0);
  const ds = await openDataset(root, { labelsLike: { classNames: ["cat", "dog"] } });
  assert.deepEqual(ds.classNames, ["cat", "dog"]);
  assert.equal((await ds.get(0)).label, 1);
  await mkdir(join(root, "emu"));
  await solid(join(root, "emu", "e.png"), 4, 2, [1, 2, 3]);
  await assert.rejects(openDataset(root, { labelsLike: { classNames: ["cat", "dog"] } }), { message: /has a class folder 'emu' that the training data does not have \(cat\/dog\)$/ });
});

test("bgr, nhwc, per-channel mean/std and gray conversion", async () => {
  const root = await classFolders();
  const ds = await openDataset(root, { color: "bgr", layout: "nhwc", mean: [0.5, 0.25, 0], std: [0.5, 0.25, 1] });
  const red = (await ds.get(1)).inputs[POSITIONAL_INPUT]!; // cat/b.png: R=1,G=0,B=0
  assert.deepEqual(red.dims, [2, 4, 3]);
  assert.deepEqual([...red.data.subarray(0, 3)], [(0 - 0.5) / 0.5, (0 - 0.25) / 0.25, 1]);
  const gray = await openDataset(root, { color: "gray" });
  const g = (await gray.get(2)).inputs[POSITIONAL_INPUT]!; // pure blue
  assert.deepEqual(g.dims, [1, 2, 4]);
  const v = g.data[0] as number;
  assert.equal(v, Math.fround(29 / 255), "PIL luma of pure blue: (255 * 7471 + 32768) >> 16 = 29");
  assert.ok([...g.data].every((x) => x === v));
});

test("a flat folder is unlabeled; a single image file is a dataset of one", async () => {
  const dir = await mkdtemp(join(tmpdir(), "quanta-img-"));
  await solid(join(dir, "2.png"), 3, 3, [255, 255, 255]);
  await solid(join(dir, "1.jpg"), 3, 3, [255, 255, 255], "jpeg");
  const ds = await openDataset(dir);
  assert.equal(ds.hasLabels, false);
  assert.equal(ds.classNames, undefined);
  assert.equal(ds.size, 2);
  const s = await ds.get(0);
  assert.equal(s.label, undefined);
  assert.ok([...s.inputs[POSITIONAL_INPUT]!.data].every((x) => Math.abs((x as number) - 1) < 0.02), "white JPEG decodes near 1");
  const one = await openDataset(join(dir, "2.png"), { size: [2, 5] });
  assert.equal(one.size, 1);
  assert.deepEqual((await one.get(0)).inputs[POSITIONAL_INPUT]!.dims, [3, 2, 5]);
});

test("mixed sizes need --size; with it every image is resized", async () => {
  const dir = await mkdtemp(join(tmpdir(), "quanta-img-"));
  await solid(join(dir, "a.png"), 4, 4, [10, 20, 30]);
  await solid(join(dir, "b.png"), 8, 6, [10, 20, 30]);
  await assert.rejects(openDataset(dir), {
    message: /has images of different sizes \(a\.png is 4x4, b\.png is 6x8\); pass --size H,W to resize them all/,
  });
  const ds = await openDataset(dir, { size: [5, 7] });
  for (const i of [0, 1]) assert.deepEqual((await ds.get(i)).inputs[POSITIONAL_INPUT]!.dims, [3, 5, 7]);
});

test("folders without images, mixed layouts and broken files are reported", async () => {
  const empty = await mkdtemp(join(tmpdir(), "quanta-img-"));
  await writeFile(join(empty, "readme.txt"), "x");
  await assert.rejects(openDataset(empty), { message: /has no images \(\.png \.jpg/ });
  const mixed = await classFolders();
  await solid(join(mixed, "loose.png"), 4, 2, [0, 0, 0]);
  await assert.rejects(openDataset(mixed), { message: /holds both images and sub-folders/ });
  const broken = await mkdtemp(join(tmpdir(), "quanta-img-"));
  await solid(join(broken, "a.png"), 2, 2, [0, 0, 0]);
  await writeFile(join(broken, "b.png"), "not a png at all");
  await assert.rejects(openDataset(broken, { size: [2, 2] }).then((ds) => ds.get(1)), { name: "DataError", message: /^cannot decode b\.png: .*check that it is a valid PNG\/JPEG file$/ });
  await assert.rejects(openDataset(broken), { name: "DataError", message: /^cannot read image b\.png/ });
  await assert.rejects(openDataset(join(broken, "missing")), { message: /^dataset not found: .*missing; pass a \.npy\/\.npz file/ });
});

async function collect(ds: Awaited<ReturnType<typeof openDataset>>, n: number) {
  const out = [];
  for await (const b of batches(ds, n)) out.push(b);
  return out;
}
