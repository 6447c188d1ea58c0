import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { openDataset } from "./open-dataset.js";
import { batches } from "./batches.js";
import { POSITIONAL_INPUT } from "./positional-input.js";
import { shared } from "./fixture-paths.js";

const mnistImages = shared("data/mnist/t10k-images-idx3-ubyte.gz");
const mnistLabels = shared("data/mnist/t10k-labels-idx1-ubyte.gz");
const fashionImages = shared("data/fashion-mnist/t10k-images-idx3-ubyte.gz");
const fashionLabels = shared("data/fashion-mnist/t10k-labels-idx1-ubyte.gz");

/** An idx file: magic 0x0000 08 rank, big-endian dims, uint8 data. */
function idx(dims: number[], data: number[]): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return new Uint8Array([...header, ...data]);
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "quanta-idx-"));
}

test("MNIST test set: pixels match an independent decode, first label is 7", { skip: mnistImages.skip || mnistLabels.skip }, async () => {
  const ds = await openDataset(mnistImages.path, { labels: mnistLabels.path });
  assert.equal(ds.size, 10000);
  assert.equal(ds.inputNames, null);
  assert.equal(ds.description, "idx images t10k-images-idx3-ubyte.gz (10000 x 28x28) with labels");
  const raw = gunzipSync(readFileSync(mnistImages.path));
  assert.equal(raw.readUInt32BE(0), 0x803);
  const [n, h, w] = [raw.readUInt32BE(4), raw.readUInt32BE(8), raw.readUInt32BE(12)];
  assert.deepEqual([n, h, w], [10000, 28, 28]);
  for (const index of [0, 9999]) {
    const s = await ds.get(index);
    const t = s.inputs[POSITIONAL_INPUT]!;
    assert.equal(t.type, "float32");
    assert.deepEqual(t.dims, [1, 28, 28]);
    for (let p = 0; p < h * w; p++) {
      const expected = raw[16 + index * h * w + p]! / 255;
      assert.ok(Math.abs((t.data[p] as number) - expected) < 1e-6, `pixel ${p} of image ${index}`);
    }
  }
  const labels = gunzipSync(readFileSync(mnistLabels.path));
  assert.equal((await ds.get(0)).label, 7);
  assert.equal((await ds.get(9999)).label, labels[8 + 9999]);
});

test("the label file beside an image file is found without --labels", { skip: mnistImages.skip || mnistLabels.skip }, async () => {
  const ds = await openDataset(mnistImages.path, { limit: 5 });
  assert.equal(ds.hasLabels, true);
  assert.equal(ds.size, 5);
  assert.match(ds.description, /with labels t10k-labels-idx1-ubyte\.gz \(found beside it\), first 5$/);
  const all = [];
  for await (const x of batches(ds, 8)) all.push(x);
  const b = all[0];
  assert.equal(all.length, 1);
  assert.deepEqual([...b!.labels!], [7, 2, 1, 0, 4]);
  assert.deepEqual(b!.inputs[POSITIONAL_INPUT]!.dims, [5, 1, 28, 28]);
});

test("Fashion-MNIST test set has 1000 labels per class", { skip: fashionImages.skip || fashionLabels.skip }, async () => {
  const ds = await openDataset(fashionImages.path, { labels: fashionLabels.path, mean: [0.5], std: [0.5] });
  const counts = new Array(10).fill(0);
  for await (const b of batches(ds, 1000)) for (const l of b.labels!) counts[l]++;
  assert.deepEqual(counts, new Array(10).fill(1000));
  const raw = gunzipSync(readFileSync(fashionImages.path));
  const t = (await ds.get(3)).inputs[POSITIONAL_INPUT]!;
  for (const p of [0, 100, 400, 783]) {
    assert.ok(Math.abs((t.data[p] as number) - (raw[16 + 3 * 784 + p]! / 255 - 0.5) / 0.5) < 1e-6);
  }
});

test("layout, color, normalization and resizing of idx images", async () => {
  const dir = await tempDir();
  const images = join(dir, "tiny-images-idx3-ubyte");
  // two 2x3 images: 0..5 and 255s
  await writeFile(images, idx([2, 2, 3], [0, 51, 102, 153, 204, 255, ...new Array(6).fill(255)]));
  const nhwc = await openDataset(images, { layout: "nhwc", color: "rgb", mean: [0, 0.2, 0.4], std: [1, 1, 2] });
  assert.equal(nhwc.hasLabels, false);
  const t = (await nhwc.get(0)).inputs[POSITIONAL_INPUT]!;
  assert.deepEqual(t.dims, [2, 3, 3]);
  const px = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const expected = px.flatMap((v) => [v, v - 0.2, (v - 0.4) / 2]);
  expected.forEach((e, i) => assert.ok(Math.abs((t.data[i] as number) - e) < 1e-6, `element ${i}`));

  const resized = await openDataset(images, { size: [4, 6] });
  const r = (await resized.get(1)).inputs[POSITIONAL_INPUT]!;
  assert.deepEqual(r.dims, [1, 4, 6]);
  assert.ok([...r.data].every((v) => v === 1), "a white image stays white when resized");
  const r0 = (await resized.get(0)).inputs[POSITIONAL_INPUT]!;
  assert.ok((r0.data[0] as number) < 0.2 && (r0.data[23] as number) > 0.8, "dark corner stays dark, bright stays bright");
});

test("gzip, explicit label files and their errors", async () => {
  const dir = await tempDir();
  const images = join(dir, "a.idx.gz");
  await writeFile(images, gzipSync(idx([3, 1, 1], [0, 128, 255])));
  const labels = join(dir, "a-labels");
  await writeFile(labels, idx([3], [2, 0, 1]));
  const ds = await openDataset(images, { labels });
  assert.deepEqual(await Promise.all([0, 1, 2].map(async (i) => (await ds.get(i)).label)), [2, 0, 1]);

  const short = join(dir, "short-labels");
  await writeFile(short, idx([2], [0, 1]));
  await assert.rejects(openDataset(images, { labels: short }), { message: "short-labels has 2 labels but the image file has 3 images; pass the matching label file with --labels" });
  await assert.rejects(openDataset(images, { labels: images }), { message: /a\.idx\.gz is not an idx label file \(magic 0x00000803; expected 0x00000801/ });
  await assert.rejects(openDataset(images, { labels: join(dir, "nope") }), { message: /data file not found: .*nope \(check the path\)/ });
  await assert.rejects(openDataset(labels), { message: "a-labels is an idx label file; pass the image file as the dataset and this one with --labels" });
});

test("wrong magic, truncated data and bad options are reported", async () => {
  const dir = await tempDir();
  const bad = join(dir, "bad-images-idx3-ubyte");
  await writeFile(bad, new Uint8Array([0, 0, 0x08, 0x02, 0, 0, 0, 1, 0, 0, 0, 1, 7]));
  await assert.rejects(openDataset(bad), { message: /bad-images-idx3-ubyte is not an idx image file \(magic 0x00000802; expected 0x00000803/ });
  const wrong = join(dir, "x-images-idx3-ubyte");
  await writeFile(wrong, new Uint8Array([1, 2, 3, 4, 5]));
  await assert.rejects(openDataset(wrong), { message: /x-images-idx3-ubyte is not an idx file \(magic 0x01020304/ });
  const cut = join(dir, "cut-images");
  await writeFile(cut, idx([2, 2, 2], [1, 2, 3]));
  await assert.rejects(openDataset(cut), { message: /cut-images: idx data is truncated \(3 of 8 bytes/ });
  const ok = join(dir, "ok-images");
  await writeFile(ok, idx([1, 1, 1], [9]));
  await assert.rejects(openDataset(ok, { mean: [0.1, 0.2] }), { message: "mean has 2 values but gray images have 1 channel: give 1 value" });
  await assert.rejects(openDataset(ok, { std: [0] }), { message: /std must not contain 0/ });
  await assert.rejects(openDataset(ok, { size: [0, 3] }), { message: /size must be two positive integers/ });
});
