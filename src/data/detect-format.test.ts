import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { detectFormat } from "./detect-format.js";
import { textFormat } from "./text-format.js";
import { fixture } from "./fixture-paths.js";

async function temp(name: string, content: string | Uint8Array): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "quanta-detect-"));
  await writeFile(join(dir, name), content);
  return join(dir, name);
}

test("content decides binary formats, whatever the file is called", async () => {
  assert.equal((await detectFormat(fixture("numpy-f4-3x2.npy"))).kind, "npy");
  assert.equal((await detectFormat(fixture("numpy-compressed.npz"))).kind, "npz");
  const npyNamedOdd = await temp("data.bin", gzipSync(readFileSync(fixture("numpy-f4-3x2.npy"))));
  assert.equal((await detectFormat(npyNamedOdd)).kind, "npy", "gzipped .npy under another name");
  assert.equal((await detectFormat(await temp("x", new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 5])))).kind, "idx");
  assert.equal((await detectFormat(await mkdtemp(join(tmpdir(), "quanta-dir-")))).kind, "image-folder");
  assert.equal((await detectFormat(await temp("photo.JPG", "not decoded yet"))).kind, "image");
});

test("text layouts: by extension, else by content", async () => {
  assert.equal(textFormat("", ".JSONL"), "jsonl");
  assert.equal(textFormat("a,b", ".tsv"), "tsv");
  assert.equal(textFormat('{"text": 1}\n', ""), "jsonl");
  assert.equal(textFormat('[{"text": 1}]', ".txt"), "json");
  assert.equal(textFormat("ham\thi there\nspam\twin\n", ""), "tsv");
  assert.equal(textFormat('"1","a b","c"\n"2","d","e"\n', ".txt"), "csv");
  assert.equal(textFormat("just some text\nanother line\n", ".txt"), "lines");
  const d = await detectFormat(fixture("spam.txt"));
  assert.equal(d.kind === "text" && d.format, "tsv");
});

test("files that are none of the known formats get one-line errors", async () => {
  await assert.rejects(detectFormat("/no/such/data.npy"), { message: "dataset not found: /no/such/data.npy; pass a .npy/.npz file, an idx file, a folder of images, or a text file (.jsonl/.tsv/.csv)" });
  await assert.rejects(detectFormat(await temp("fake.npy", "hello")), { message: "fake.npy has extension .npy but is not a NumPy file; save it with numpy.save / numpy.savez" });
  await assert.rejects(detectFormat(await temp("blob.dat", new Uint8Array([1, 0, 2, 0, 255]))), { message: /^unknown data format for blob\.dat: it is binary but not NumPy, zip or idx/ });
  await assert.rejects(detectFormat(await temp("latin.txt", new Uint8Array([0x63, 0x61, 0x66, 0xe9]))), { message: /latin\.txt is not UTF-8 text/ });
  await assert.rejects(detectFormat(await temp("bad.gz", new Uint8Array([0x1f, 0x8b, 1, 2, 3]))), { name: "DataError", message: /bad\.gz looks gzipped but does not decompress/ });
});

test("data errors are QuantaErrors, printed by the CLI without a stack", async () => {
  const { QuantaError } = await import("../errors.js");
  await assert.rejects(detectFormat("/no/such/file"), (e: unknown) => e instanceof QuantaError && (e as InstanceType<typeof QuantaError>).exitCode === 1);
});
