// The fixed split both text reference tasks use: every fifth row by position is held out, the
// rest trains, and the WordPiece vocabulary is built from the training texts only (so held-out
// words may be unknown, as in real use). Writes <out>/<name>-train.jsonl, <name>-eval.jsonl and
// vocab.txt.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildWordPieceVocab, writeVocab } from "../src/data/build-vocab.js";

export interface LabeledText {
  /** Position in the source file. */
  i: number;
  text: string;
  label: number;
}

export async function writeSplit(out: string, name: string, records: readonly LabeledText[], vocabSize: number) {
  const train = records.filter((r) => r.i % 5 !== 0);
  const held = records.filter((r) => r.i % 5 === 0);
  mkdirSync(out, { recursive: true });
  const jsonl = (rs: readonly LabeledText[]) => rs.map((r) => JSON.stringify({ text: r.text, label: r.label })).join("\n") + "\n";
  writeFileSync(join(out, `${name}-train.jsonl`), jsonl(train));
  writeFileSync(join(out, `${name}-eval.jsonl`), jsonl(held));
  const vocab = buildWordPieceVocab(train.map((r) => r.text), { size: vocabSize, lowercase: true });
  await writeVocab(join(out, "vocab.txt"), vocab);
  return { train, held, vocab };
}
