// Which text layout a file uses: by extension when it has a telling one, else by content, so
// extensionless files like SMSSpamCollection (label<TAB>text) are read correctly.

import { fail } from "./data-error.js";
import type { TextRow, TextTable } from "./text-row.js";

export type TextFormat = "jsonl" | "json" | "tsv" | "csv" | "lines";

const BY_EXTENSION: Record<string, TextFormat> = { ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".tsv": "tsv", ".csv": "csv" };

export function textFormat(content: string, ext: string): TextFormat {
  const known = BY_EXTENSION[ext.toLowerCase()];
  if (known) return known;
  const lines = content.split("\n", 50).map((l) => l.replace(/\r$/, "")).filter((l) => l.trim() !== "");
  if (lines.length === 0) return "lines";
  const head = lines[0]!.trimStart();
  if (head.startsWith("{")) return "jsonl";
  if (head.startsWith("[")) return "json";
  if (lines.every((l) => l.includes("\t"))) return "tsv";
  if (lines.every((l) => /^"[^"]*",/.test(l) || /","/.test(l))) return "csv";
  return "lines";
}

/** Plain text, one unlabeled sample per non-empty line. */
export function readLines(content: string, name: string): TextTable {
  const rows: TextRow[] = [];
  content.split("\n").forEach((l, i) => {
    const text = l.replace(/\r$/, "").trim();
    if (text !== "") rows.push({ text, line: i + 1 });
  });
  if (rows.length === 0) fail(`${name} has no text lines`);
  return { rows, textSource: "lines" };
}
