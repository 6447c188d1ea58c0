// The corpus result files: header fields pretty-printed, one record per line (small, diffable),
// timings in whole milliseconds, agreement numbers to 4 significant digits, ±Infinity kept as
// strings (the SQNR of identical outputs is infinite).

const ROUND_MS = new Set(["ms"]);

function replacer(key: string, v: unknown): unknown {
  if (typeof v !== "number") return v;
  if (!Number.isFinite(v)) return String(v);
  if (ROUND_MS.has(key)) return Math.round(v);
  return Number.isInteger(v) ? v : Number(v.toPrecision(4));
}

export function corpusJson(header: Record<string, unknown>, records: readonly unknown[]): string {
  const head = JSON.stringify(header, replacer, 2).replace(/\n}$/, "");
  const rows = records.map((r) => `    ${JSON.stringify(r, replacer)}`).join(",\n");
  return `${head},\n  "records": [\n${rows}\n  ]\n}\n`;
}
