import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTokenizer, loadTokenizerJson, loadVocabTxt, parseVocabTxt, vocabLooksCased } from "./tokenizer-files.js";
import { fixture } from "./fixture-paths.js";

async function temp(name: string, content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "quanta-tok-"));
  await writeFile(join(dir, name), content);
  return join(dir, name);
}

test("vocab.txt: id = line number, CRLF and a trailing newline tolerated", async () => {
  assert.deepEqual(parseVocabTxt("[PAD]\r\n[UNK]\r\nx\r\n"), ["[PAD]", "[UNK]", "x"]);
  const t = await loadVocabTxt(fixture("tiny-vocab.txt"));
  assert.equal(t.vocab.get("un"), 5);
  assert.equal(t.vocab.get("fun"), 40);
  assert.equal(t.lowercase, true);
});

test("vocab.txt: a vocabulary with uppercase tokens is treated as cased", async () => {
  assert.equal(vocabLooksCased(["[CLS]", "[UNK]", "the"]), false);
  assert.equal(vocabLooksCased(["[CLS]", "The"]), true);
  const path = await temp("cased.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nHello\nhello\n");
  const cased = await loadVocabTxt(path);
  assert.equal(cased.lowercase, false);
  assert.deepEqual(cased.encode("Hello hello"), [2, 4, 5, 3]);
  const forced = await loadVocabTxt(path, { lowercase: true });
  assert.deepEqual(forced.encode("Hello hello"), [2, 5, 5, 3]);
});

test("tokenizer.json: vocab map, unk token, prefix and BertNormalizer settings", async () => {
  const t = await loadTokenizer(fixture("tiny-tokenizer.json"));
  assert.equal(t.lowercase, false); // BertNormalizer lowercase: false
  assert.equal(t.stripAccents, false); // strip_accents: null follows lowercase
  assert.deepEqual(t.tokenize("Hello hello Café unaffable"), ["Hello", "hello", "Caf", "##é", "un", "##aff", "##able"]);
  assert.deepEqual(t.encode("Hello world!"), [2, 5, 7, 8, 3]);
});

test("tokenizer.json: Sequence normalizers and BertProcessing specials", async () => {
  const json = {
    normalizer: { type: "Sequence", normalizers: [{ type: "NFD" }, { type: "Lowercase" }, { type: "StripAccents" }] },
    post_processor: { type: "BertProcessing", sep: ["<sep>", 1], cls: ["<cls>", 0] },
    model: { type: "WordPiece", unk_token: "<unk>", continuing_subword_prefix: "##", vocab: { "<cls>": 0, "<sep>": 1, "<unk>": 2, cafe: 3 } },
  };
  const t = await loadTokenizerJson(await temp("tokenizer.json", JSON.stringify(json)));
  assert.deepEqual(t.encode("CAFÉ tea"), [0, 3, 2, 1]);
});

test("tokenizer files that cannot work are reported", async () => {
  await assert.rejects(loadTokenizer("/nonexistent/vocab.txt"), { message: "vocabulary not found: /nonexistent/vocab.txt (check the path)" });
  await assert.rejects(loadTokenizer(await temp("t.json", "{oops")), { message: /^t\.json is not valid JSON/ });
  const bpe = { model: { type: "BPE", vocab: { a: 0 }, merges: [] } };
  await assert.rejects(loadTokenizer(await temp("bpe.json", JSON.stringify(bpe))), { message: /bpe\.json uses a BPE model; only BERT-style WordPiece tokenizers are supported/ });
  await assert.rejects(loadTokenizer(await temp("e.txt", "")), { message: /e\.txt is empty/ });
  await assert.rejects(loadTokenizer(await temp("nounk.txt", "[CLS]\n[SEP]\nword\n")), { message: /has no \[UNK\] token/ });
});
