// Labeled or unlabeled text turned into BERT-style inputs: input_ids and attention_mask (int64,
// [length], unpadded; batching pads with zeros = [PAD]) and, on request, all-zero token_type_ids.

import { basename } from "node:path";
import type { HostTensor } from "../runtime/host-tensor.js";
import type { DataOptions, Dataset, Sample } from "./dataset.js";
import { fail } from "./data-error.js";
import { checkIndex } from "./check-index.js";
import { readJsonRecords } from "./text-records.js";
import { readDelimited } from "./text-delimited.js";
import { readLines, type TextFormat } from "./text-format.js";
import { mapLabels } from "./text-labels.js";
import type { TextTable } from "./text-row.js";
import { loadTokenizer } from "./tokenizer-files.js";
import type { WordPieceTokenizer } from "./wordpiece.js";

export const TEXT_INPUTS = ["input_ids", "attention_mask"] as const;

export async function openText(path: string, content: string, format: TextFormat, options: DataOptions = {}): Promise<Dataset> {
  const name = basename(path);
  if (options.vocab === undefined && options.tokenizer === undefined) {
    fail(`${name} is text, which needs a tokenizer: pass --vocab vocab.txt or --tokenizer tokenizer.json`);
  }
  const maxLength = options.maxLength ?? 128;
  if (!Number.isInteger(maxLength) || maxLength < 2) fail(`maxLength must be an integer of at least 2 (room for [CLS] and [SEP]), got ${maxLength}`);
  const tokenizerFile = (options.tokenizer ?? options.vocab)!;
  const tokenizer = await loadTokenizer(tokenizerFile, options.lowercase !== undefined ? { lowercase: options.lowercase } : {});
  const table = readTable(content, format, name, options);
  return textDataset(table, tokenizer, {
    title: `text ${format} ${name}`,
    source: name,
    tokenizerName: basename(tokenizerFile),
    maxLength,
    includeTokenTypeIds: options.includeTokenTypeIds ?? false,
    ...(options.labelsLike ? { labelsLike: options.labelsLike } : {}),
  });
}

function readTable(content: string, format: TextFormat, name: string, o: DataOptions): TextTable {
  const fields = {
    ...(o.textColumn !== undefined ? { textColumn: o.textColumn } : {}),
    ...(o.labelColumn !== undefined ? { labelColumn: o.labelColumn } : {}),
  };
  if (format === "jsonl" || format === "json") return readJsonRecords(content, format, name, fields);
  if (format === "tsv" || format === "csv") return readDelimited(content, format, name, fields);
  return readLines(content, name);
}

export interface TextDatasetOptions {
  title: string;
  /** File name for error messages (default: title). */
  source?: string;
  tokenizerName?: string;
  maxLength: number;
  includeTokenTypeIds: boolean;
  /** Map labels as this dataset did (see DataOptions.labelsLike). */
  labelsLike?: Pick<Dataset, "classNames" | "labelOffset">;
}

/** A dataset over already-read rows; also usable for texts held in memory. */
export function textDataset(table: TextTable, tokenizer: WordPieceTokenizer, o: TextDatasetOptions): Dataset {
  const { rows } = table;
  const like = o.labelsLike && { ...(o.labelsLike.classNames ? { classNames: [...o.labelsLike.classNames] } : {}), labelOffset: o.labelsLike.labelOffset ?? 0 };
  const { labels, classNames, labelOffset } = mapLabels(rows, o.source ?? o.title, like);
  const inputNames = o.includeTokenTypeIds ? [...TEXT_INPUTS, "token_type_ids"] : [...TEXT_INPUTS];
  const get = async (index: number): Promise<Sample> => {
    checkIndex(index, rows.length, o.title);
    const ids = tokenizer.encode(rows[index]!.text, o.maxLength);
    const n = ids.length;
    const inputs: Record<string, HostTensor> = {
      input_ids: { type: "int64", dims: [n], data: BigInt64Array.from(ids, BigInt) },
      attention_mask: { type: "int64", dims: [n], data: new BigInt64Array(n).fill(1n) },
    };
    if (o.includeTokenTypeIds) inputs.token_type_ids = { type: "int64", dims: [n], data: new BigInt64Array(n) };
    return labels ? { inputs, label: labels[index]! } : { inputs };
  };
  return {
    description:
      `${o.title} (${rows.length} texts, ${table.textSource}${describeLabels(table, labels, classNames, labelOffset)}; ` +
      `${o.tokenizerName ?? "WordPiece"}, max ${o.maxLength} tokens)`,
    size: rows.length,
    inputNames,
    hasLabels: labels !== undefined,
    ...(classNames ? { classNames } : {}),
    labelOffset,
    get,
  };
}

function describeLabels(table: TextTable, labels: Int32Array | undefined, classNames: string[] | undefined, offset: number): string {
  if (!labels) return ", no labels";
  if (classNames) return `, labels ${table.labelSource}: ${classNames.join("/")}`;
  const min = labels.reduce((a, b) => Math.min(a, b));
  const max = labels.reduce((a, b) => Math.max(a, b));
  const shifted = offset ? ` in the file, used as ${min}..${max} (labelOffset ${offset})` : "";
  return `, labels ${table.labelSource}: ${min + offset}..${max + offset}${shifted}`;
}
