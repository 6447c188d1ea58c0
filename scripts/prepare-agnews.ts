// Splits AG News (../shared/data/text/agnews-test.csv, 7,600 labeled headlines) into a fixed
// training and held-out set and builds a WordPiece vocabulary from the training texts only.
// Writes <out>/agnews-train.jsonl, <out>/agnews-eval.jsonl and <out>/vocab.txt.
//
//   node dist/scripts/prepare-agnews.js <out-dir> [vocab-size]

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { buildWordPieceVocab, writeVocab } from "../src/data/build-vocab.js";

const out = resolve(process.argv[2] ?? "out/agnews");
const vocabSize = Number(process.argv[3] ?? 6000);
const csv = resolve(process.cwd(), "../shared/data/text/agnews-test.csv");
const rows = parse(readFileSync(csv, "utf8"), { relax_quotes: true }) as string[][];
// Every fifth row (by position) is held out: 1,520 evaluation rows, 6,080 training rows.
const records = rows.map(([label, title, description], i) => ({ i, text: `${title} ${description}`.replace(/\\/g, " "), label: Number(label) - 1 }));
const train = records.filter((r) => r.i % 5 !== 0);
const held = records.filter((r) => r.i % 5 === 0);
mkdirSync(out, { recursive: true });
const jsonl = (rs: typeof records) => rs.map((r) => JSON.stringify({ text: r.text, label: r.label })).join("\n") + "\n";
writeFileSync(join(out, "agnews-train.jsonl"), jsonl(train));
writeFileSync(join(out, "agnews-eval.jsonl"), jsonl(held));
const vocab = buildWordPieceVocab(train.map((r) => r.text), { size: vocabSize, lowercase: true });
await writeVocab(join(out, "vocab.txt"), vocab);
process.stdout.write(`${train.length} training and ${held.length} held-out rows, ${vocab.length} vocabulary tokens in ${out}\n`);
