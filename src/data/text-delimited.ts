// Text samples from TSV or CSV, with or without a header row. Which column holds the label and
// which the text is decided by name (header) or by content (headerless): see chooseColumns.

import { parse } from "csv-parse/sync";
import { fail, reason } from "./data-error.js";
import { LABEL_NAMES, TEXT_NAMES, type TextRow, type TextTable } from "./text-row.js";
import type { FieldOptions } from "./text-records.js";

interface Record_ {
  record: string[];
  info: { lines: number };
}

export function readDelimited(content: string, format: "tsv" | "csv", name: string, o: FieldOptions = {}): TextTable {
  const records = parseRecords(content, format, name);
  if (records.length === 0) fail(`${name} has no rows`);
  const header = hasHeader(records.map((r) => r.record), o) ? records[0]!.record.map((h) => h.trim()) : undefined;
  const body = header ? records.slice(1) : records;
  if (body.length === 0) fail(`${name} has a header row but no data rows`);
  const cols = chooseColumns(header, body.map((r) => r.record), name, o);
  const rows: TextRow[] = body.map(({ record, info }) => {
    const text = cols.text.map((c) => record[c] ?? "").join(" ").trim();
    if (cols.label === undefined) return { text, line: info.lines };
    const label = (record[cols.label] ?? "").trim();
    return label === "" ? { text, line: info.lines } : { text, label, line: info.lines };
  });
  const describe = (c: number) => (header ? `'${header[c]}'` : `${c}`);
  return {
    rows,
    textSource: `column${cols.text.length > 1 ? "s" : ""} ${cols.text.map(describe).join("+")}`,
    ...(cols.label !== undefined ? { labelSource: `column ${describe(cols.label)}` } : {}),
  };
}

function parseRecords(content: string, format: "tsv" | "csv", name: string): Record_[] {
  try {
    return parse(content, {
      delimiter: format === "tsv" ? "\t" : ",",
      // TSV (GLUE, SMS Spam) uses quotes as ordinary characters; CSV quotes fields.
      quote: format === "tsv" ? null : '"',
      bom: true,
      skip_empty_lines: true,
      relax_quotes: format === "csv",
      info: true,
    }) as unknown as Record_[];
  } catch (e) {
    fail(`${name} is not valid ${format.toUpperCase()} (${reason(e)}); check its delimiter and quoting`);
  }
}

const KNOWN = new Set<string>([...TEXT_NAMES, ...LABEL_NAMES, "title", "description", "sentence2", "question", "id", "idx"]);

/**
 * A header row is present when its first row names a known or requested column, or when a
 * column is numeric in every row but the first (e.g. "label" over 0/1 values).
 */
export function hasHeader(records: string[][], o: FieldOptions): boolean {
  const first = records[0]!.map((c) => c.trim().toLowerCase());
  const requested = [o.textColumn, o.labelColumn].filter((c): c is string => c !== undefined && !/^\d+$/.test(c));
  if (requested.length > 0) return true; // names can only refer to a header
  if (first.some((c) => KNOWN.has(c))) return true;
  if (records.length < 2) return false;
  const rest = records.slice(1, 200);
  return first.some((c, i) => !isInteger(c) && rest.every((r) => isInteger((r[i] ?? "").trim())));
}

interface Columns {
  text: number[];
  label?: number;
}

/**
 * With a header: the requested names, else the first known text / label names; without a known
 * text name, every non-label column joined. Headerless: the first column is the label when it looks
 * like one (short, no spaces, few distinct values), else the last; the other columns are the text.
 */
export function chooseColumns(header: string[] | undefined, rows: string[][], name: string, o: FieldOptions): Columns {
  const width = Math.max(...rows.map((r) => r.length), header?.length ?? 0);
  const find = (wanted: string, what: string): number => {
    if (/^\d+$/.test(wanted)) {
      const i = Number(wanted);
      if (i >= width) fail(`${name} has ${width} columns, so --${what}-column ${wanted} does not exist (columns count from 0)`);
      return i;
    }
    const i = header?.findIndex((h) => h.toLowerCase() === wanted.toLowerCase()) ?? -1;
    if (i < 0) fail(`${name} has no column '${wanted}' (header: ${header?.join(", ")}); pass --${what}-column with one of those names`);
    return i;
  };
  const byName = (names: readonly string[]): number | undefined => {
    if (!header) return undefined;
    for (const n of names) {
      const i = header.findIndex((h) => h.toLowerCase() === n);
      if (i >= 0) return i;
    }
    return undefined;
  };
  let label = o.labelColumn !== undefined ? find(o.labelColumn, "label") : header ? byName(LABEL_NAMES) : guessLabel(rows, width);
  const text = o.textColumn !== undefined ? find(o.textColumn, "text") : byName(TEXT_NAMES);
  if (text !== undefined && text === label) label = undefined;
  const textCols = text !== undefined ? [text] : Array.from({ length: width }, (_, i) => i).filter((i) => i !== label);
  if (textCols.length === 0) fail(`${name} has only a label column; it needs a text column too`);
  return label === undefined ? { text: textCols } : { text: textCols, label };
}

/** First or last column, whichever looks like labels; integers win a tie, then fewer classes. */
function guessLabel(rows: string[][], width: number): number | undefined {
  if (width < 2) return undefined;
  const candidates = [0, width - 1].map((col) => ({ col, ...labelStats(rows, col) })).filter((c) => c.labelLike);
  candidates.sort((a, b) => Number(b.integers) - Number(a.integers) || a.distinct - b.distinct);
  return candidates[0]?.col;
}

/**
 * Short single tokens with few distinct values are class labels rather than text: at most 16
 * classes in small files, else at most half the rows (which rules out id columns).
 */
function labelStats(rows: string[][], col: number): { labelLike: boolean; integers: boolean; distinct: number } {
  const values = new Set<string>();
  for (const r of rows) {
    const v = (r[col] ?? "").trim();
    if (v === "" || v.length > 32 || /\s/.test(v)) return { labelLike: false, integers: false, distinct: 0 };
    values.add(v);
  }
  const integers = [...values].every(isInteger);
  return { labelLike: values.size <= Math.max(16, Math.min(1000, rows.length / 2)), integers, distinct: values.size };
}

function isInteger(s: string): boolean {
  return /^[+-]?\d+$/.test(s);
}
