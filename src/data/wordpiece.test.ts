import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { WordPieceTokenizer } from "./wordpiece.js";
import { parseVocabTxt } from "./tokenizer-files.js";
import { fixture } from "./fixture-paths.js";

// tiny-vocab.txt: 0 [PAD] 1 [UNK] 2 [CLS] 3 [SEP] 4 [MASK] 5 un 6 ##aff 7 ##able 8 the 9 movie 10 was
// 11 great 12 ! 13 , 14 bad 15 cafe 16 ##s 17 . 18 hello 19 world 20 ##ly 21 runn 22 ##ing 23 a 24 ##b
// 25 中 26 文 27 free ... 40 fun
const tok = new WordPieceTokenizer({ vocab: parseVocabTxt(readFileSync(fixture("tiny-vocab.txt"), "utf8")) });

test("greedy longest-match-first with ## continuations", () => {
  assert.deepEqual(tok.tokenize("unaffable"), ["un", "##aff", "##able"]);
  assert.deepEqual(tok.encode("unaffable"), [2, 5, 6, 7, 3]);
  assert.deepEqual(tok.tokenize("running cafes"), ["runn", "##ing", "cafe", "##s"]);
  assert.deepEqual(tok.tokenize("abbb"), ["a", "##b", "##b", "##b"]);
});

test("lowercasing, accents and punctuation", () => {
  assert.deepEqual(tok.encode("The MOVIE was great!"), [2, 8, 9, 10, 11, 12, 3]);
  assert.deepEqual(tok.encode("Café, hello.world"), [2, 15, 13, 18, 17, 19, 3]);
  assert.deepEqual(tok.encode("中文"), [2, 25, 26, 3]);
});

test("unknown words become one [UNK]: no full cover, or over 100 characters", () => {
  assert.deepEqual(tok.tokenize("unaffablez great"), ["[UNK]", "great"]);
  assert.deepEqual(tok.encode("xyz the"), [2, 1, 8, 3]);
  assert.deepEqual(tok.tokenize("a" + "b".repeat(99)), ["a", ...new Array(99).fill("##b")]);
  assert.deepEqual(tok.tokenize("a" + "b".repeat(100)), ["[UNK]"]);
  assert.deepEqual(tok.encode(""), [2, 3]);
});

test("truncation keeps [CLS] and [SEP] within maxLength", () => {
  assert.deepEqual(tok.encode("the movie was great !", 4), [2, 8, 9, 3]);
  assert.deepEqual(tok.encode("the movie", 2), [2, 3]);
  assert.equal(tok.encode("the ".repeat(500)).length, 128);
  assert.throws(() => tok.encode("x", 1), { message: /maxLength must be an integer of at least 2/ });
});

test("cased tokenizers, other prefixes and special token names", () => {
  const vocab = new Map([["<unk>", 0], ["<s>", 1], ["</s>", 2], ["Un", 3], ["@@aff", 4], ["@@able", 5]]);
  const t = new WordPieceTokenizer({ vocab, lowercase: false, unkToken: "<unk>", clsToken: "<s>", sepToken: "</s>", continuingPrefix: "@@" });
  assert.deepEqual(t.encode("Unaffable unaffable"), [1, 3, 4, 5, 0, 2]);
  assert.equal(t.vocabSize, 6);
  assert.throws(() => new WordPieceTokenizer({ vocab: ["a", "[UNK]"] }), { name: "DataError", message: /the vocabulary has no \[CLS\] token/ });
});
