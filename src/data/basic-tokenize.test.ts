import { test } from "node:test";
import assert from "node:assert/strict";
import { basicTokenize, isPunctuation, stripAccents } from "./basic-tokenize.js";

const uncased = { lowercase: true, stripAccents: true, handleChineseChars: true };
const cased = { lowercase: false, stripAccents: false, handleChineseChars: true };

test("splits on whitespace and punctuation, lowercasing and stripping accents when uncased", () => {
  assert.deepEqual(basicTokenize(" Héllo,  WORLD!\tHow's  naïve?\n", uncased), ["hello", ",", "world", "!", "how", "'", "s", "naive", "?"]);
  assert.deepEqual(basicTokenize("Héllo, WORLD!", cased), ["Héllo", ",", "WORLD", "!"]);
  assert.deepEqual(basicTokenize("Héllo", { ...cased, stripAccents: true }), ["Hello"]);
});

test("treats ASCII symbols as punctuation like BERT ($, +, ^, `)", () => {
  assert.deepEqual(basicTokenize("a$b+c^d`e~f", cased), ["a", "$", "b", "+", "c", "^", "d", "`", "e", "~", "f"]);
  assert.ok(isPunctuation("«") && isPunctuation("—") && !isPunctuation("a") && !isPunctuation("5"));
});

test("removes control and format characters, maps Unicode spaces to separators", () => {
  assert.deepEqual(basicTokenize("hel\u0000lo\u200b wo\ufffdrld\u0007", cased), ["hello", "world"]);
  assert.deepEqual(basicTokenize("a\u00a0b\u3000c\r\nd", cased), ["a", "b", "c", "d"]);
});

test("gives each CJK ideograph its own token, but not kana or hangul", () => {
  assert.deepEqual(basicTokenize("我爱ML", cased), ["我", "爱", "ML"]);
  assert.deepEqual(basicTokenize("我爱ML", { ...cased, handleChineseChars: false }), ["我爱ML"]);
  assert.deepEqual(basicTokenize("ひらがな한국어", cased), ["ひらがな한국어"]);
});

test("accent stripping uses canonical decomposition", () => {
  assert.equal(stripAccents("crème brûlée Ångström"), "creme brulee Angstrom");
  assert.equal(stripAccents("ß"), "ß");
});
