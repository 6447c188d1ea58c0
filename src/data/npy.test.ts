import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeNpy, encodeNpy, writeNpy } from "./npy.js";
import { hostFrom } from "./host-values.js";
import { DataError } from "./data-error.js";
import { fixture } from "./fixture-paths.js";
import type { HostType } from "../runtime/host-tensor.js";

test("decodes a float32 array written by NumPy", () => {
  const t = decodeNpy(readFileSync(fixture("numpy-f4-3x2.npy")));
  assert.equal(t.type, "float32");
  assert.deepEqual(t.dims, [3, 2]);
  assert.deepEqual([...t.data], [0.5, -1.25, 3, 4.5, Math.fround(1e-3), -2]);
});

test("byte-swaps big-endian arrays and keeps float16 as raw half words", () => {
  const be = decodeNpy(readFileSync(fixture("numpy-i8-be.npy")));
  assert.equal(be.type, "int64");
  assert.deepEqual([...be.data], [1n, -2n, 300n]);
  const half = decodeNpy(readFileSync(fixture("numpy-f2.npy")));
  assert.equal(half.type, "float16");
  assert.deepEqual([...half.data], [0x3c00, 0xc000, 0x3800]); // 1, -2, 0.5
});

test("decodes hand-made bytes (version 1.0 header, bool)", () => {
  const header = "{'descr': '|b1', 'fortran_order': False, 'shape': (2, 2), }";
  const padded = header + " ".repeat(128 - 10 - header.length - 1) + "\n";
  const bytes = new Uint8Array([0x93, ...Buffer.from("NUMPY"), 1, 0, padded.length, 0, ...Buffer.from(padded), 1, 0, 0, 1]);
  const t = decodeNpy(bytes);
  assert.equal(t.type, "bool");
  assert.deepEqual(t.dims, [2, 2]);
  assert.deepEqual([...t.data], [1, 0, 0, 1]);
});

test("round-trips every element type, with NumPy's 64-byte header alignment", () => {
  const types: HostType[] = ["float32", "float64", "float16", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "bool"];
  for (const type of types) {
    const t = hostFrom(type, [2, 3], [0, 1, 1, 0, 1, 1]);
    const bytes = encodeNpy(t);
    const headerLen = bytes[8]! | (bytes[9]! << 8);
    assert.equal((10 + headerLen) % 64, 0, type);
    const back = decodeNpy(bytes);
    assert.equal(back.type, type);
    assert.deepEqual(back.dims, [2, 3]);
    assert.deepEqual([...back.data], [...t.data], type);
  }
});

test("writes 1-D and scalar shapes the way NumPy spells them", async () => {
  const dir = await mkdtemp(join(tmpdir(), "quanta-npy-"));
  await writeNpy(join(dir, "v.npy"), hostFrom("int32", [3], [7, 8, 9]));
  const text = (await readFile(join(dir, "v.npy"))).subarray(10, 80).toString("latin1");
  assert.match(text, /^\{'descr': '<i4', 'fortran_order': False, 'shape': \(3,\), \}/);
  const scalar = decodeNpy(encodeNpy(hostFrom("float32", [], [2.5])));
  assert.deepEqual(scalar.dims, []);
  assert.deepEqual([...scalar.data], [2.5]);
});

test("rejects Fortran order, truncation, bad magic and unsupported dtypes with DataErrors", () => {
  assert.throws(() => decodeNpy(readFileSync(fixture("numpy-fortran.npy")), "f.npy"), { name: "DataError", message: /Fortran order.*ascontiguousarray/ });
  const good = readFileSync(fixture("numpy-f4-3x2.npy"));
  assert.throws(() => decodeNpy(good.subarray(0, good.length - 3), "t.npy"), { message: /t\.npy: \.npy data is truncated \(21 of 24 bytes/ });
  assert.throws(() => decodeNpy(good.subarray(0, 20), "h.npy"), { message: /truncated \.npy header/ });
  assert.throws(() => decodeNpy(new Uint8Array([1, 2, 3]), "x.npy"), { message: /x\.npy is not a NumPy \.npy file/ });
  const header = "{'descr': '<U5', 'fortran_order': False, 'shape': (1,), }";
  const bytes = new Uint8Array([0x93, ...Buffer.from("NUMPY"), 1, 0, header.length, 0, ...Buffer.from(header)]);
  assert.throws(() => decodeNpy(bytes, "s.npy"), (e: unknown) => e instanceof DataError && /unsupported \.npy dtype '<U5'/.test(e.message));
});

test("aligned data is viewed in place; misaligned data is copied", () => {
  const bytes = encodeNpy(hostFrom("float32", [2], [1.5, 2.5]));
  const viewed = decodeNpy(bytes);
  assert.equal(viewed.data.buffer, bytes.buffer);
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  const copied = decodeNpy(shifted.subarray(1));
  assert.notEqual(copied.data.buffer, shifted.buffer);
  assert.deepEqual([...copied.data], [1.5, 2.5]);
});
