import { test } from "node:test";
import assert from "node:assert/strict";
import { batches } from "./batches.js";
import { memoryDataset } from "./memory-dataset.js";
import { hostFrom } from "./host-values.js";
import { POSITIONAL_INPUT } from "./positional-input.js";
import type { Dataset, Sample } from "./dataset.js";

const samples: Sample[] = Array.from({ length: 10 }, (_, i) => ({ inputs: { [POSITIONAL_INPUT]: hostFrom("float32", [2], [i, -i]) }, label: i % 3 }));
const ds = memoryDataset(samples);

async function collect(d: Dataset, size: number, opts = {}) {
  const out = [];
  for await (const b of batches(d, size, opts)) out.push(b);
  return out;
}

test("in order, last batch short, inputs stacked and labels gathered", async () => {
  const all = await collect(ds, 4);
  assert.deepEqual(all.map((b) => b.indices), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  assert.deepEqual(all[2]!.inputs[POSITIONAL_INPUT]!.dims, [2, 2]);
  assert.deepEqual([...all[2]!.inputs[POSITIONAL_INPUT]!.data], [8, -8, 9, -9]);
  assert.ok(all[0]!.labels instanceof Int32Array);
  assert.deepEqual([...all[0]!.labels!], [0, 1, 2, 0]);
});

test("seeded shuffling is reproducible and a permutation; limit cuts after shuffling", async () => {
  const a = (await collect(ds, 3, { shuffle: true, seed: 7 })).flatMap((b) => b.indices);
  const b = (await collect(ds, 3, { shuffle: true, seed: 7 })).flatMap((b) => b.indices);
  const c = (await collect(ds, 3, { shuffle: true, seed: 8 })).flatMap((b) => b.indices);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.deepEqual([...a].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const limited = (await collect(ds, 3, { shuffle: true, seed: 7, limit: 5 })).flatMap((b) => b.indices);
  assert.deepEqual(limited, a.slice(0, 5));
  const batch = (await collect(ds, 10, { shuffle: true, seed: 7 }))[0]!;
  assert.deepEqual([...batch.labels!], a.map((i) => i % 3), "labels follow the shuffled order");
});

test("ragged samples are zero-padded; unlabeled datasets give no labels", async () => {
  const ragged = memoryDataset([
    { inputs: { ids: hostFrom("int64", [3], [5, 6, 7]) } },
    { inputs: { ids: hostFrom("int64", [1], [9]) } },
  ]);
  assert.deepEqual(ragged.inputNames, ["ids"]);
  const [b] = await collect(ragged, 2);
  assert.deepEqual([...b!.inputs.ids!.data], [5n, 6n, 7n, 9n, 0n, 0n]);
  assert.equal(b!.labels, undefined);
});

test("fetches the next batch while the caller works, and stops cleanly", async () => {
  const requested: number[] = [];
  const spy: Dataset = { ...ds, get: (i) => (requested.push(i), ds.get(i)) };
  const it = batches(spy, 2);
  await it.next();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(requested, [0, 1, 2, 3], "batch 2 is already being loaded");
  await it.return(undefined);
  const failing: Dataset = { ...ds, get: async (i) => (i >= 2 ? Promise.reject(new Error("disk gone")) : ds.get(i)) };
  const it2 = batches(failing, 2);
  await it2.next();
  await assert.rejects(it2.next(), { message: "disk gone" });
});

test("bad batch sizes and inconsistent samples are reported", async () => {
  await assert.rejects(collect(ds, 0), { message: "batch size must be a positive integer, got 0" });
  assert.throws(() => memoryDataset([samples[0]!, { inputs: { other: hostFrom("float32", [2], [0, 0]) }, label: 1 }]), { message: /sample 1 has inputs other but sample 0 has input/ });
  assert.throws(() => memoryDataset([samples[0]!, { inputs: samples[1]!.inputs }]), { message: /sample 1 lacks a label/ });
  assert.equal((await collect(memoryDataset(samples), 4, { limit: 0 })).length, 0);
});
