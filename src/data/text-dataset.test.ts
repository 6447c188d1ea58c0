import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { openDataset } from "./open-dataset.js";
import { batches } from "./batches.js";
import type { Dataset } from "./dataset.js";
import { fixture, shared } from "./fixture-paths.js";

const vocab = fixture("tiny-vocab.txt");

async function temp(name: string, content: string | Uint8Array): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "quanta-text-"));
  await writeFile(join(dir, name), content);
  return join(dir, name);
}

const ids = async (ds: Dataset, i: number) => [...(await ds.get(i)).inputs.input_ids!.data].map(Number);
async function labelsOf(ds: Dataset): Promise<number[]> {
  const out: number[] = [];
  for await (const b of batches(ds, 512)) out.push(...b.labels!);
  return out;
}

test("JSONL with string labels: classes in sorted order, int64 ids and mask", async () => {
  const ds = await openDataset(fixture("reviews.jsonl"), { vocab });
  assert.equal(ds.size, 3);
  assert.deepEqual(ds.inputNames, ["input_ids", "attention_mask"]);
  assert.deepEqual(ds.classNames, ["negative", "positive"]);
  assert.equal(ds.labelOffset, 0);
  const s = await ds.get(0);
  assert.equal(s.label, 1);
  assert.equal(s.inputs.input_ids!.type, "int64");
  assert.deepEqual(s.inputs.input_ids!.dims, [7]);
  assert.deepEqual([...s.inputs.input_ids!.data], [2n, 8n, 9n, 10n, 11n, 12n, 3n]); // the movie was great !
  assert.deepEqual([...s.inputs.attention_mask!.data], new Array(7).fill(1n));
  assert.equal(s.inputs.token_type_ids, undefined);
  assert.deepEqual(await ids(ds, 1), [2, 14, 13, 39, 40, 17, 3]); // bad , not fun .
  assert.match(ds.description, /^text jsonl reviews\.jsonl \(3 texts, field 'text', labels field 'label': negative\/positive; tiny-vocab\.txt, max 128 tokens\)$/);
});

test("batches pad input_ids and attention_mask with zeros; token_type_ids on request", async () => {
  const ds = await openDataset(fixture("reviews.jsonl"), { vocab, includeTokenTypeIds: true, maxLength: 6 });
  assert.deepEqual(ds.inputNames, ["input_ids", "attention_mask", "token_type_ids"]);
  const all = [];
  for await (const b of batches(ds, 3)) all.push(b);
  const b = all[0]!;
  assert.deepEqual(b.inputs.input_ids!.dims, [3, 6]);
  assert.deepEqual([...b.inputs.input_ids!.data].map(Number), [2, 8, 9, 10, 11, 3, 2, 14, 13, 39, 40, 3, 2, 18, 19, 3, 0, 0]);
  assert.deepEqual([...b.inputs.attention_mask!.data].map(Number), [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
  assert.deepEqual([...b.inputs.token_type_ids!.data].map(Number), new Array(18).fill(0));
  assert.deepEqual([...b.labels!], [1, 0, 1]);
});

test("TSV with a header: named columns, integer labels as given", async () => {
  const ds = await openDataset(fixture("reviews.tsv"), { vocab });
  assert.equal(ds.size, 3);
  assert.equal(ds.classNames, undefined);
  assert.equal(ds.labelOffset, 0);
  assert.deepEqual(await labelsOf(ds), [1, 0, 0]);
  // not "fun": quotes are ordinary characters in TSV; '"' is punctuation, absent from the vocab
  assert.deepEqual(await ids(ds, 2), [2, 39, 1, 40, 1, 3]);
});

test("headerless CSV: label first, other columns joined; 1-based labels shifted", async () => {
  const ds = await openDataset(fixture("news.csv"), { vocab });
  assert.equal(ds.labelOffset, 1);
  assert.deepEqual(await labelsOf(ds), [2, 0, 1]);
  assert.deepEqual(await ids(ds, 1), [2, 18, 19, 3]); // "Hello" + " " + "world"
  assert.match(ds.description, /labels column 0: 1\.\.3 in the file, used as 0\.\.2 \(labelOffset 1\)/);
});

test("headerless TSV without extension (SMS Spam layout): ham/spam classes", async () => {
  const ds = await openDataset(fixture("spam.txt"), { vocab });
  assert.deepEqual(ds.classNames, ["ham", "spam"]);
  assert.deepEqual(await labelsOf(ds), [0, 1, 0]);
  assert.deepEqual(await ids(ds, 1), [2, 27, 29, 12, 31, 30, 3]);
});

test("column options, plain lines, gzip and JSON arrays", async () => {
  const tsv = await temp("pairs.tsv", "id\tbody\tstars\n1\thello world\t5\n2\tbad movie\t3\n");
  const ds = await openDataset(tsv, { vocab, textColumn: "body", labelColumn: "stars" });
  assert.deepEqual(await labelsOf(ds), [5, 3]);
  assert.deepEqual(await ids(ds, 0), [2, 18, 19, 3]);
  const byIndex = await openDataset(tsv, { vocab, textColumn: "1", labelColumn: "0" });
  assert.deepEqual(await ids(byIndex, 1), [2, 14, 9, 3]);
  const lines = await openDataset(await temp("plain.txt", "hello world\n\nthe movie\n"), { vocab });
  assert.equal(lines.hasLabels, false);
  assert.equal(lines.size, 2);
  assert.equal((await lines.get(1)).label, undefined);
  const gz = await openDataset(await temp("r.jsonl.gz", gzipSync('{"sentence": "hello", "label": 0}\n')), { vocab });
  assert.deepEqual(await ids(gz, 0), [2, 18, 3]);
  const arr = await openDataset(await temp("r.json", '[{"text": "fun", "label": true}, {"text": "bad", "label": false}]'), { vocab, limit: 1 });
  assert.equal(arr.size, 1);
  assert.equal((await arr.get(0)).label, 1);
});

test("text problems are reported with what to do", async () => {
  await assert.rejects(openDataset(fixture("reviews.tsv")), { message: "reviews.tsv is text, which needs a tokenizer: pass --vocab vocab.txt or --tokenizer tokenizer.json" });
  await assert.rejects(openDataset(await temp("a.jsonl", '{"text": "x"}\n{oops}\n'), { vocab }), { message: /^line 2 of a\.jsonl is not valid JSON/ });
  await assert.rejects(openDataset(await temp("b.jsonl", '{"review_body": "x"}\n'), { vocab }), { message: /line 1 of b\.jsonl has no text field \(keys: review_body\); pass --text-column NAME/ });
  await assert.rejects(openDataset(await temp("c.jsonl", '{"text": "x", "label": 1}\n{"text": "y"}\n'), { vocab }), { message: "line 2 of c.jsonl has no label but other lines do; label every line or none" });
  await assert.rejects(openDataset(await temp("d.tsv", "text\tlabel\nx\t-1\n"), { vocab }), { message: /line 2 of .*d\.tsv has label -1; class labels must be non-negative/ });
  await assert.rejects(openDataset(await temp("e.tsv", "text\tlabel\nx\t1\ty\n"), { vocab }), { message: /^e\.tsv is not valid TSV \(.*\); check its delimiter and quoting$/ });
  await assert.rejects(openDataset(fixture("reviews.tsv"), { vocab, textColumn: "review" }), { message: /reviews\.tsv has no column 'review' \(header: sentence, label\)/ });
  await assert.rejects(openDataset(fixture("reviews.tsv"), { vocab, maxLength: 1 }), { message: /maxLength must be an integer of at least 2/ });
  await assert.rejects(openDataset(fixture("reviews.tsv"), { vocab: "/nope/vocab.txt" }), { message: "vocabulary not found: /nope/vocab.txt (check the path)" });
});

const sst2 = shared("data/text/sst2-dev.tsv");
const sms = shared("data/text/SMSSpamCollection");
const agnews = shared("data/text/agnews-test.csv");

test("GLUE SST-2 dev: 872 texts with header, labels 0/1", { skip: sst2.skip }, async () => {
  const ds = await openDataset(sst2.path, { vocab });
  assert.equal(ds.size, 872);
  assert.equal(ds.labelOffset, 0);
  const labels = await labelsOf(ds);
  assert.deepEqual([...new Set(labels)].sort(), [0, 1]);
  assert.equal(labels[0], 1); // "it 's a charming and often affecting journey ."
  assert.deepEqual((await ds.get(0)).inputs.input_ids!.dims, [12]);
});

test("SMS Spam Collection: 5574 messages, 747 spam", { skip: sms.skip }, async () => {
  const ds = await openDataset(sms.path, { vocab });
  assert.equal(ds.size, 5574);
  assert.deepEqual(ds.classNames, ["ham", "spam"]);
  const labels = await labelsOf(ds);
  assert.equal(labels.filter((l) => l === 1).length, 747);
  assert.equal(labels[2], 1);
});

test("AG News test: 7600 texts, 1-based labels become 0..3 with 1900 each", { skip: agnews.skip }, async () => {
  const ds = await openDataset(agnews.path, { vocab, maxLength: 64 });
  assert.equal(ds.size, 7600);
  assert.equal(ds.labelOffset, 1);
  const counts = [0, 0, 0, 0];
  for (const l of await labelsOf(ds)) counts[l]!++;
  assert.deepEqual(counts, [1900, 1900, 1900, 1900]);
  assert.equal((await ds.get(0)).label, 2); // "3" = Business
  assert.ok((await ds.get(1)).inputs.input_ids!.dims[0]! <= 64);
});
