// Turning label text into class indices, with one rule for the whole file:
//  - all labels integers: used as given, except that when the smallest is 1 (1-based files such
//    as AG News' 1..4) every label is shifted down by 1 and labelOffset = 1 records it;
//  - any label not an integer (ham/spam, positive/negative): classes are the distinct labels in
//    sorted order, the label is the index there, and classNames lists them.
// Rows without a label are allowed only if no row has one. A file read together with another
// (evaluation data next to training data) takes that file's mapping instead (`like`).

import { fail } from "./data-error.js";
import type { TextRow } from "./text-row.js";

export interface LabelMap {
  /** Class index per row; undefined when the file has no labels. */
  readonly labels?: Int32Array;
  readonly classNames?: string[];
  /** Subtracted from the file's integer labels (1 for 1-based files, else 0). */
  readonly labelOffset: number;
}

const INTEGER = /^[+-]?\d+(\.0+)?$/; // "3" and "3.0" (pandas writes the latter)

export function mapLabels(rows: readonly TextRow[], name: string, like?: Partial<Omit<LabelMap, "labels">>): LabelMap {
  const labeled = rows.filter((r) => r.label !== undefined);
  if (labeled.length === 0) return { labelOffset: 0 };
  if (labeled.length < rows.length) {
    const missing = rows.find((r) => r.label === undefined)!;
    fail(`line ${missing.line} of ${name} has no label but other lines do; label every line or none`);
  }
  const raw = rows.map((r) => r.label!.trim());
  if (like?.classNames) {
    const index = new Map(like.classNames.map((c, i) => [c, i]));
    const unknown = raw.findIndex((l) => !index.has(l));
    if (unknown >= 0) fail(`line ${rows[unknown]!.line} of ${name} has label '${raw[unknown]}', which the training data does not have (${like.classNames.join("/")})`);
    return { labels: Int32Array.from(raw, (l) => index.get(l)!), classNames: [...like.classNames], labelOffset: 0 };
  }
  if (raw.every((l) => INTEGER.test(l))) {
    const nums = raw.map(Number);
    const neg = nums.findIndex((n) => n < 0);
    if (neg >= 0) fail(`line ${rows[neg]!.line} of ${name} has label ${raw[neg]}; class labels must be non-negative (unlabeled test splits: drop the label column)`);
    const min = nums.reduce((a, b) => Math.min(a, b));
    const labelOffset = like ? (like.labelOffset ?? 0) : min === 1 ? 1 : 0;
    if (min - labelOffset < 0) fail(`line ${rows[nums.indexOf(min)]!.line} of ${name} has label ${min}, but the training data's labels start at ${labelOffset}`);
    return { labels: Int32Array.from(nums, (n) => n - labelOffset), labelOffset };
  }
  if (like) fail(`${name} has text labels but the training data's labels are integers`);
  const classNames = [...new Set(raw)].sort();
  const index = new Map(classNames.map((c, i) => [c, i]));
  return { labels: Int32Array.from(raw, (l) => index.get(l)!), classNames, labelOffset: 0 };
}
