// Splits AG News (../shared/data/text/agnews-test.csv, 7,600 labeled headlines) into a fixed
// training and held-out set and builds a WordPiece vocabulary from the training texts only.
// Writes <out>/agnews-train.jsonl, <out>/agnews-eval.jsonl and <out>/vocab.txt.
//
//   node dist/scripts/prepare-agnews.js <out-dir> [vocab-size]

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { writeSplit } from "./text-split.js";

const out = resolve(process.argv[2] ?? "out/agnews");
const vocabSize = Number(process.argv[3] ?? 6000);
const csv = resolve(process.cwd(), "../shared/data/text/agnews-test.csv");
const rows = parse(readFileSync(csv, "utf8"), { relax_quotes: true }) as string[][];
const records = rows.map(([label, title, description], i) => ({ i, text: `${title} ${description}`.replace(/\\/g, " "), label: Number(label) - 1 }));
// Every fifth row (by position) is held out: 1,520 evaluation rows, 6,080 training rows.
const { train, held, vocab } = await writeSplit(out, "agnews", records, vocabSize);
process.stdout.write(`${train.length} training and ${held.length} held-out rows, ${vocab.length} vocabulary tokens in ${out}\n`);
