import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeNpz, encodeNpz, writeNpz } from "./npz.js";
import { encodeNpy } from "./npy.js";
import { hostFrom } from "./host-values.js";
import { openDataset } from "./open-dataset.js";
import { batches } from "./batches.js";
import { POSITIONAL_INPUT } from "./positional-input.js";
import { fixture } from "./fixture-paths.js";
import { bindInputs } from "./bind-inputs.js";

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** A stored (uncompressed) zip built byte by byte, independent of any zip library. */
function handZip(files: Record<string, Uint8Array>): Uint8Array {
  const local: number[] = [];
  const central: number[] = [];
  const u16 = (a: number[], v: number) => a.push(v & 0xff, (v >>> 8) & 0xff);
  const u32 = (a: number[], v: number) => a.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  let count = 0;
  for (const [name, data] of Object.entries(files)) {
    const nameBytes = [...Buffer.from(name)];
    const offset = local.length;
    const crc = crc32(data);
    u32(local, 0x04034b50); u16(local, 20); u16(local, 0); u16(local, 0); u16(local, 0); u16(local, 33);
    u32(local, crc); u32(local, data.length); u32(local, data.length); u16(local, nameBytes.length); u16(local, 0);
    local.push(...nameBytes, ...data);
    u32(central, 0x02014b50); u16(central, 20); u16(central, 20); u16(central, 0); u16(central, 0); u16(central, 0); u16(central, 33);
    u32(central, crc); u32(central, data.length); u32(central, data.length); u16(central, nameBytes.length);
    u16(central, 0); u16(central, 0); u16(central, 0); u16(central, 0); u32(central, 0); u32(central, offset);
    central.push(...nameBytes);
    count++;
  }
  const end: number[] = [];
  u32(end, 0x06054b50); u16(end, 0); u16(end, 0); u16(end, count); u16(end, count);
  u32(end, central.length); u32(end, local.length); u16(end, 0);
  return new Uint8Array([...local, ...central, ...end]);
}

async function tempFile(name: string, bytes: Uint8Array): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "quanta-npz-"));
  const path = join(dir, name);
  const { writeFile } = await import("node:fs/promises");
  await writeFile(path, bytes);
  return path;
}

test("reads a hand-built stored zip of .npy members", () => {
  const x = hostFrom("float32", [2, 2], [1, 2, 3, 4]);
  const arrays = decodeNpz(handZip({ "x.npy": encodeNpy(x), "labels.npy": encodeNpy(hostFrom("uint8", [2], [1, 0])) }));
  assert.deepEqual([...arrays.keys()], ["x", "labels"]);
  assert.deepEqual([...arrays.get("x")!.data], [1, 2, 3, 4]);
  assert.deepEqual([...arrays.get("labels")!.data], [1, 0]);
});

test("reads numpy.savez_compressed output (deflated members)", () => {
  const arrays = decodeNpz(readFileSync(fixture("numpy-compressed.npz")));
  assert.deepEqual([...arrays.keys()].sort(), ["labels", "mask", "pixels"]);
  assert.deepEqual(arrays.get("pixels")!.dims, [4, 2, 3]);
  assert.equal(arrays.get("pixels")!.data[23], 23);
  assert.equal(arrays.get("mask")!.type, "bool");
});

test("writer output round-trips, stored or compressed, and is deterministic", () => {
  const a = { ids: hostFrom("int64", [3, 2], [1, 2, 3, 4, 5, 6]), y: hostFrom("int32", [3], [0, 1, 1]) };
  for (const compress of [false, true]) {
    const bytes = encodeNpz(a, { compress });
    assert.deepEqual(bytes, encodeNpz(a, { compress }));
    const back = decodeNpz(bytes);
    assert.deepEqual([...back.get("ids")!.data], [1n, 2n, 3n, 4n, 5n, 6n]);
    assert.deepEqual([...back.get("y")!.data], [0, 1, 1]);
  }
  const big = { z: hostFrom("float32", [1000], new Array(1000).fill(0)) };
  assert.ok(encodeNpz(big, { compress: true }).length < encodeNpz(big).length / 10);
});

test("an npz dataset has named inputs and integer labels", async () => {
  const ds = await openDataset(fixture("numpy-compressed.npz"));
  assert.equal(ds.size, 4);
  assert.deepEqual([...ds.inputNames!].sort(), ["mask", "pixels"]);
  assert.equal(ds.hasLabels, true);
  const s = await ds.get(2);
  assert.equal(s.label, 2);
  assert.deepEqual(s.inputs.pixels!.dims, [2, 3]);
  assert.deepEqual([...s.inputs.pixels!.data], [12, 13, 14, 15, 16, 17]);
  assert.deepEqual([...s.inputs.mask!.data], [1, 1]);
  const all = [];
  for await (const b of batches(ds, 3)) all.push(b);
  assert.deepEqual(all.map((b) => b.inputs.pixels!.dims), [[3, 2, 3], [1, 2, 3]]);
  assert.deepEqual([...all[0]!.labels!], [3, 0, 2]);
});

test("numpy.savez without keywords (arr_0) is one positional input; .npy too", async () => {
  const ds = await openDataset(fixture("numpy-positional.npz"));
  assert.equal(ds.inputNames, null);
  assert.equal(ds.hasLabels, false);
  assert.deepEqual([...(await ds.get(1)).inputs[POSITIONAL_INPUT]!.data], [2, 3]);
  const npy = await openDataset(fixture("numpy-f4-3x2.npy"), { limit: 2 });
  assert.equal(npy.size, 2);
  assert.equal(npy.inputNames, null);
  assert.deepEqual([...(await npy.get(1)).inputs[POSITIONAL_INPUT]!.data], [3, 4.5]);
  await assert.rejects(npy.get(2), { name: "DataError", message: /sample index 2 is out of range/ });
});

test("a user-chosen label key, written with writeNpz", async () => {
  const dir = await mkdtemp(join(tmpdir(), "quanta-npz-"));
  const path = join(dir, "calib.npz");
  await writeNpz(path, { input: hostFrom("float32", [2, 1], [0.5, 1.5]), cls: hostFrom("int64", [2, 1], [4, 9]) });
  const ds = await openDataset(path, { labelColumn: "cls" });
  assert.deepEqual(ds.inputNames, ["input"]);
  assert.equal((await ds.get(1)).label, 9);
});

test("bad archives give one-line errors that say what to do", async () => {
  const x = encodeNpy(hostFrom("float32", [2, 1], [1, 2]));
  const onlyLabels = await tempFile("l.npz", handZip({ "labels.npy": encodeNpy(hostFrom("int32", [2], [0, 1])) }));
  await assert.rejects(openDataset(onlyLabels), { message: /l\.npz holds no input arrays \(keys: labels\); save one array per model input/ });
  const mismatch = await tempFile("m.npz", handZip({ "a.npy": x, "b.npy": encodeNpy(hostFrom("float32", [3], [1, 2, 3])) }));
  await assert.rejects(openDataset(mismatch), { message: /array 'b' has 3 samples but 'a' has 2/ });
  const fewLabels = await tempFile("f.npz", handZip({ "a.npy": x, "y.npy": encodeNpy(hostFrom("int32", [1], [0])) }));
  await assert.rejects(openDataset(fewLabels), { message: /f\.npz\[y\] has 1 labels but the inputs have 2 samples/ });
  const floatLabels = await tempFile("g.npz", handZip({ "a.npy": x, "label.npy": encodeNpy(hostFrom("float32", [2], [0.5, 1])) }));
  await assert.rejects(openDataset(floatLabels), { message: /g\.npz\[label\]\[0\] = 0\.5 is not a class index/ });
  const missingKey = await tempFile("k.npz", handZip({ "a.npy": x }));
  await assert.rejects(openDataset(missingKey, { labelColumn: "target" }), { message: /has no array 'target' for labels \(keys: a\)/ });
  const broken = await tempFile("b.npz", handZip({ "a.npy": x }).subarray(0, 60));
  await assert.rejects(openDataset(broken), { name: "DataError", message: /b\.npz/ });
  const notNpy = await tempFile("n.npz", handZip({ "a.npy": new Uint8Array([1, 2, 3]) }));
  await assert.rejects(openDataset(notNpy), { message: /n\.npz\[a\] is not a NumPy \.npy file/ });
});

test("x, y and scalar mean/std: x is the input, y the labels, the scalars are ignored with a note", async () => {
  const dir = await mkdtemp(join(tmpdir(), "quanta-npz-"));
  const path = join(dir, "mnist.npz");
  await writeNpz(path, {
    x: hostFrom("float32", [3, 2], [0, 1, 2, 3, 4, 5]),
    y: hostFrom("int64", [3], [7, 8, 9]),
    mean: hostFrom("float64", [], [0.13]),
    std: hostFrom("float64", [], [0.3]),
  });
  const ds = await openDataset(path);
  assert.deepEqual(ds.inputNames, ["x"]);
  assert.equal(ds.size, 3);
  assert.equal((await ds.get(2)).label, 9);
  assert.match(ds.notes!.join("\n"), /scalar entries ignored.*mean, std/);
  // A lone entry feeds a lone model input whatever its name.
  const bound = bindInputs(ds, ["Input3"])((await ds.get(1)).inputs);
  assert.deepEqual(Object.keys(bound), ["Input3"]);
  assert.deepEqual([...bound.Input3!.data], [2, 3]);
});

test("--input-key picks and renames entries, --label-key the labels; unclear cases list every entry", async () => {
  const dir = await mkdtemp(join(tmpdir(), "quanta-npz-"));
  const path = join(dir, "two.npz");
  await writeNpz(path, {
    a: hostFrom("float32", [2, 2], [1, 2, 3, 4]),
    b: hostFrom("float32", [2, 2], [5, 6, 7, 8]),
    target: hostFrom("int32", [2], [1, 0]),
    scale: hostFrom("float32", [], [2]),
  });
  const picked = await openDataset(path, { inputKeys: [{ key: "b", input: "Input3" }], labelKey: "target" });
  assert.deepEqual(picked.inputNames, ["Input3"]);
  assert.deepEqual([...(await picked.get(1)).inputs.Input3!.data], [7, 8]);
  assert.equal((await picked.get(1)).label, 0);
  assert.match(picked.notes!.join(), /entries not used: a, scale/);
  assert.throws(() => bindInputs(picked, ["input"]), /--input-key assigns 'Input3', which the model does not take \(its inputs: input\)/);
  // Two candidate arrays and a model input named neither: the error lists name, dtype and shape of each entry.
  const both = await openDataset(path, { labelKey: "target" });
  assert.deepEqual(both.inputNames, ["a", "b"]);
  assert.throws(() => bindInputs(both, ["Input3"]), /two\.npz holds a float32\[2,2\], b float32\[2,2\], target int32\[2\], scale float32 scalar; say which entry feeds which input with --input-key/);
  // ...while an entry named like the model input is picked by name.
  assert.deepEqual(Object.keys(bindInputs(both, ["b"])((await both.get(0)).inputs)), ["b"]);
  await assert.rejects(openDataset(path, { inputKeys: [{ key: "c" }] }), { message: /--input-key c: two\.npz has no entry 'c'; it holds a float32\[2,2\]/ });
  await assert.rejects(openDataset(path, { inputKeys: [{ key: "scale" }] }), { message: /--input-key scale: two\.npz\[scale\] is a scalar/ });
  await assert.rejects(openDataset(path, { labelKey: "label" }), { message: /has no array 'label' for labels.*pass an existing key to --label-key/ });
});
