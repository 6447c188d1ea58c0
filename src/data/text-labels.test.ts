import { test } from "node:test";
import assert from "node:assert/strict";
import { mapLabels } from "./text-labels.js";
import { chooseColumns, hasHeader } from "./text-delimited.js";

const rows = (labels: (string | undefined)[]) => labels.map((label, i) => (label === undefined ? { text: "t", line: i + 1 } : { text: "t", label, line: i + 1 }));

test("integer labels are kept unless the smallest is 1", () => {
  assert.deepEqual(mapLabels(rows(["0", "2", "1"]), "f"), { labels: Int32Array.from([0, 2, 1]), labelOffset: 0 });
  assert.deepEqual(mapLabels(rows(["3", "1", "4", "4.0"]), "f"), { labels: Int32Array.from([2, 0, 3, 3]), labelOffset: 1 });
  assert.deepEqual(mapLabels(rows(["2", "3"]), "f"), { labels: Int32Array.from([2, 3]), labelOffset: 0 }, "min 2: not 1-based");
  assert.deepEqual(mapLabels(rows([undefined, undefined]), "f"), { labelOffset: 0 });
});

test("any non-integer label makes every label a class name, sorted", () => {
  const m = mapLabels(rows(["spam", "ham", "spam", "1"]), "f");
  assert.deepEqual(m.classNames, ["1", "ham", "spam"]);
  assert.deepEqual([...m.labels!], [2, 1, 2, 0]);
  assert.throws(() => mapLabels(rows(["a", undefined]), "f.tsv"), { message: "line 2 of f.tsv has no label but other lines do; label every line or none" });
});

test("an evaluation file takes the training file's mapping (labelsLike), even when it lacks a class", () => {
  // Positives only: alone the file looks 1-based and its labels would become 0.
  assert.deepEqual(mapLabels(rows(["1", "1"]), "f"), { labels: Int32Array.from([0, 0]), labelOffset: 1 });
  assert.deepEqual(mapLabels(rows(["1", "1"]), "f", { labelOffset: 0 }), { labels: Int32Array.from([1, 1]), labelOffset: 0 });
  assert.deepEqual(mapLabels(rows(["2", "4"]), "f", { labelOffset: 1 }), { labels: Int32Array.from([1, 3]), labelOffset: 1 });
  assert.throws(() => mapLabels(rows(["0"]), "e.tsv", { labelOffset: 1 }), { message: "line 1 of e.tsv has label 0, but the training data's labels start at 1" });
  const named = mapLabels(rows(["spam", "spam"]), "f", { classNames: ["ham", "spam"], labelOffset: 0 });
  assert.deepEqual([...named.labels!], [1, 1]);
  assert.deepEqual(named.classNames, ["ham", "spam"]);
  assert.throws(() => mapLabels(rows(["eggs"]), "e.tsv", { classNames: ["ham", "spam"] }), { message: "line 1 of e.tsv has label 'eggs', which the training data does not have (ham/spam)" });
  assert.throws(() => mapLabels(rows(["ham"]), "e.tsv", { labelOffset: 0 }), { message: "e.tsv has text labels but the training data's labels are integers" });
});

test("header detection and column choice", () => {
  assert.equal(hasHeader([["text", "label"], ["x", "1"]], {}), true);
  assert.equal(hasHeader([["polarity", "words"], ["1", "good"], ["0", "bad"]], {}), true, "numeric column under a word");
  assert.equal(hasHeader([["ham", "hello"], ["spam", "win"]], {}), false);
  assert.equal(hasHeader([["3", "a"], ["1", "b"]], {}), false);
  assert.deepEqual(chooseColumns(["Class Index", "Title", "Description"], [["1", "a", "b"]], "f", {}), { text: [1, 2], label: 0 });
  assert.deepEqual(chooseColumns(["id", "sentence", "label"], [["0", "a b", "1"]], "f", {}), { text: [1], label: 2 });
  assert.deepEqual(chooseColumns(undefined, [["good film", "1"], ["bad", "0"]], "f", {}), { text: [0], label: 1 });
  assert.deepEqual(chooseColumns(undefined, [["pos", "1"], ["neg", "0"]], "f", {}), { text: [0], label: 1 }, "integers win a tie");
  assert.deepEqual(chooseColumns(undefined, [["one text only"]], "f", {}), { text: [0] });
  assert.throws(() => chooseColumns(undefined, [["a", "b"]], "f.tsv", { textColumn: "5" }), { message: /f\.tsv has 2 columns, so --text-column 5 does not exist/ });
});
