import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWordPieceVocab, SPECIAL_TOKENS, writeVocab } from "./build-vocab.js";
import { loadVocabTxt } from "./tokenizer-files.js";
import { WordPieceTokenizer } from "./wordpiece.js";
import { basicTokenize } from "./basic-tokenize.js";
import { shared } from "./fixture-paths.js";

const corpus = ["low lower lowest", "new newer newest", "Low wider widest", "lower newer"];

test("special tokens first at fixed ids, then characters, then merged pieces", () => {
  const vocab = buildWordPieceVocab(corpus, { size: 100, minFrequency: 2 });
  assert.deepEqual(vocab.slice(0, 5), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
  assert.deepEqual(SPECIAL_TOKENS, vocab.slice(0, 5));
  // "##e" is the most frequent piece (14 occurrences); then characters by frequency
  assert.deepEqual(vocab.slice(5, 16), ["##e", "##w", "##o", "##r", "l", "n", "##s", "##t", "##d", "##i", "w"]);
  // merges by pair count: ##w+##e (6: lower x2, lowest, newer x2, newest), l+##o (5), then the
  // tie at 4 between ##we+##r and n+##e goes to the smaller string
  assert.deepEqual(vocab.slice(16, 21), ["##we", "lo", "##wer", "ne", "##st"]);
  assert.ok(vocab.includes("low") && vocab.includes("lower") && vocab.includes("newer"));
  assert.ok(!vocab.includes("L"), "lowercased by default");
  assert.equal(new Set(vocab).size, vocab.length, "no duplicates");
  // "widest" occurs once, so with minFrequency 2 its pieces are never merged past "wide"
  assert.ok(!vocab.includes("widest") && !vocab.includes("wides"));
});

test("deterministic, size-bounded, and consistent with the tokenizer", () => {
  const a = buildWordPieceVocab(corpus, { size: 20 });
  assert.deepEqual(a, buildWordPieceVocab([...corpus], { size: 20 }));
  assert.equal(a.length, 20);
  const all = buildWordPieceVocab(corpus, { size: 200 });
  assert.equal(all.length, 28, "merging stops when no pair occurs minFrequency times");
  const tok = new WordPieceTokenizer({ vocab: all });
  assert.deepEqual(tok.tokenize("lowest newer"), ["low", "##e", "##st", "newer"]);
  assert.ok(!tok.tokenize("lowered wider").includes("[UNK]"), "seen characters always tokenize");
  assert.deepEqual(tok.tokenize("widen"), ["[UNK]"], "n never continued a word in the corpus");
  assert.throws(() => buildWordPieceVocab(corpus, { size: 3 }), { message: /vocabulary size must be an integer of at least 5/ });
});

test("cased vocabularies keep case and round-trip through vocab.txt", async () => {
  const vocab = buildWordPieceVocab(corpus, { size: 60, lowercase: false });
  assert.ok(vocab.includes("L"));
  const dir = await mkdtemp(join(tmpdir(), "quanta-vocab-"));
  await writeVocab(join(dir, "vocab.txt"), vocab);
  const tok = await loadVocabTxt(join(dir, "vocab.txt"));
  assert.equal(tok.lowercase, false);
  assert.equal(tok.vocab.get(vocab[20]!), 20);
  await assert.rejects(writeVocab(join(dir, "bad.txt"), ["a", "b\nc"]), { message: /token 1 cannot be written/ });
});

const agnews = shared("data/text/agnews-test.csv");
test("an AG News vocabulary covers the corpus with few pieces per word", { skip: agnews.skip }, () => {
  const texts = readFileSync(agnews.path, "utf8").split("\n").slice(0, 3000);
  const vocab = buildWordPieceVocab(texts, { size: 4000 });
  assert.equal(vocab.length, 4000);
  const tok = new WordPieceTokenizer({ vocab });
  const opts = { lowercase: true, stripAccents: true, handleChineseChars: true };
  const words = texts.slice(0, 200).reduce((n, t) => n + basicTokenize(t, opts).length, 0);
  const pieces = texts.slice(0, 200).reduce((n, t) => n + tok.tokenize(t).length, 0);
  assert.ok(pieces / words < 1.35, `pieces per word ${pieces / words}`);
  assert.ok(!texts.slice(0, 200).some((t) => tok.tokenize(t).includes("[UNK]")));
});
