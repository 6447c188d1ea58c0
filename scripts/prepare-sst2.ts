// Splits SST-2 (../shared/data/text/sst2-dev.tsv, the 872 labeled GLUE dev sentences, the only
// SST-2 data here) into a fixed training and held-out set and builds a WordPiece vocabulary from
// the training texts only. Writes <out>/sst2-train.jsonl, <out>/sst2-eval.jsonl and
// <out>/vocab.txt, and prints the held-out majority-class baseline to compare accuracies with.
//
//   node dist/scripts/prepare-sst2.js <out-dir> [vocab-size]

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { writeSplit } from "./text-split.js";

const out = resolve(process.argv[2] ?? "out/sst2");
// At most the embedding rows of the model it feeds (agnews-encoder: 6,000; bert-tiny: 1,000).
// 697 sentences run out of merges (a pair must occur twice) at about 3,100 tokens.
const vocabSize = Number(process.argv[3] ?? 6000);
const tsv = resolve(process.cwd(), "../shared/data/text/sst2-dev.tsv");
// GLUE TSV: header "sentence\tlabel" (here "text\tlabel"), quotes are ordinary characters and no
// sentence holds a tab, so a plain split is exact; the sentences end in a stray space.
const lines = readFileSync(tsv, "utf8").split("\n").filter((l) => l.trim() !== "").slice(1);
const records = lines.map((line, i) => {
  const cut = line.lastIndexOf("\t");
  const label = Number(line.slice(cut + 1));
  if (cut < 0 || (label !== 0 && label !== 1)) throw new Error(`row ${i + 2} of ${tsv} is not "text<TAB>0|1": ${JSON.stringify(line)}`);
  return { i, text: line.slice(0, cut).trim(), label };
});
// Every fifth row (by position) is held out, as for AG News: 175 evaluation rows, 697 training rows.
const { train, held, vocab } = await writeSplit(out, "sst2", records, vocabSize);
const positives = (rs: readonly { label: number }[]) => rs.filter((r) => r.label === 1).length;
const heldPos = positives(held);
const majority = Math.max(heldPos, held.length - heldPos) / held.length;
process.stdout.write(
  `${train.length} training rows (${positives(train)} positive) and ${held.length} held-out rows (${heldPos} positive), ` +
    `${vocab.length} vocabulary tokens in ${out}\n` +
    `held-out majority-class baseline: ${(100 * majority).toFixed(2)}% (always "${heldPos * 2 >= held.length ? "positive" : "negative"}")\n`,
);
