// Text samples from JSON Lines (one object per line) or a JSON array of objects, e.g.
// {"text": "...", "label": 1} or {"sentence": "...", "label": "positive"}.

import { fail, reason } from "./data-error.js";
import { LABEL_NAMES, TEXT_NAMES, type TextRow, type TextTable } from "./text-row.js";

export interface FieldOptions {
  textColumn?: string;
  labelColumn?: string;
}

export function readJsonRecords(content: string, format: "jsonl" | "json", name: string, o: FieldOptions = {}): TextTable {
  const records = format === "json" ? jsonArray(content, name) : jsonLines(content, name);
  if (records.length === 0) fail(`${name} has no records; give one JSON object per line`);
  const first = records[0]!.value;
  const keys = Object.keys(first);
  const textKey = o.textColumn ?? TEXT_NAMES.find((k) => k in first);
  if (textKey === undefined || !(textKey in first)) {
    fail(`line ${records[0]!.line} of ${name} has no ${o.textColumn ? `'${o.textColumn}'` : "text"} field (keys: ${keys.join(", ")}); pass --text-column NAME`);
  }
  const labelKey = o.labelColumn ?? LABEL_NAMES.find((k) => k in first);
  if (o.labelColumn !== undefined && !(o.labelColumn in first)) {
    fail(`line ${records[0]!.line} of ${name} has no '${o.labelColumn}' field (keys: ${keys.join(", ")}); pass an existing --label-column`);
  }
  const rows: TextRow[] = records.map(({ value, line }) => {
    const text = value[textKey];
    if (typeof text !== "string") fail(`line ${line} of ${name}: field '${textKey}' is ${text === undefined ? "missing" : "not a string"}; every record needs its text`);
    if (labelKey === undefined) return { text, line };
    const label = labelText(value[labelKey], line, name);
    return label === undefined ? { text, line } : { text, label, line };
  });
  return { rows, textSource: `field '${textKey}'`, ...(labelKey !== undefined ? { labelSource: `field '${labelKey}'` } : {}) };
}

interface JsonRecord {
  value: Record<string, unknown>;
  line: number;
}

function jsonLines(content: string, name: string): JsonRecord[] {
  const out: JsonRecord[] = [];
  content.split("\n").forEach((raw, i) => {
    const text = raw.trim();
    if (text === "") return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      fail(`line ${i + 1} of ${name} is not valid JSON (${reason(e)}); JSON Lines needs one object per line`);
    }
    out.push({ value: asObject(value, i + 1, name), line: i + 1 });
  });
  return out;
}

function jsonArray(content: string, name: string): JsonRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (e) {
    fail(`${name} is not valid JSON (${reason(e)}); use a JSON array of objects or JSON Lines (.jsonl)`);
  }
  if (!Array.isArray(value)) fail(`${name} is not a JSON array; use an array of {"text": ..., "label": ...} objects or JSON Lines`);
  // A JSON array has no meaningful lines; record positions are reported instead.
  return value.map((v, i) => ({ value: asObject(v, i + 1, name), line: i + 1 }));
}

function asObject(v: unknown, line: number, name: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(`record ${line} of ${name} is not a JSON object; use {"text": ..., "label": ...}`);
  return v as Record<string, unknown>;
}

/** Labels as text: numbers keep their decimal form, booleans become 0/1, null means "no label". */
function labelText(v: unknown, line: number, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "1" : "0";
  fail(`line ${line} of ${name}: the label is ${Array.isArray(v) ? "a list" : "an object"}; give one class (number or name) per record`);
}
