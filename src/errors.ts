// Errors meant for users: the CLI prints their message as one line, without a stack trace.

/** Longest message a QuantaError keeps; a longer one loses its middle (see clipText). */
export const MAX_ERROR_LENGTH = 600;

export class QuantaError extends Error {
  /** Process exit code the CLI uses (1 = bad input or failed run, 2 = usage). */
  readonly exitCode: number;

  /**
   * The message is made one line (line breaks become spaces) and clipped to MAX_ERROR_LENGTH,
   * so a name echoed from a hostile file (a 2 MB op_type) can never make a megabyte error line.
   */
  constructor(message: string, exitCode = 1) {
    super(clipText(message.replace(/\s*[\r\n]+\s*/g, " "), MAX_ERROR_LENGTH));
    this.name = "QuantaError";
    this.exitCode = exitCode;
  }
}

/** `s` if at most `max` characters, else its start and end around a note of what was left out. */
export function clipText(s: string, max: number): string {
  if (s.length <= max) return s;
  const note = ` …(${(s.length - max).toLocaleString("en-US")} more characters)… `;
  const keep = Math.max(max - note.length, 2);
  const head = Math.ceil(keep * 0.7);
  return s.slice(0, head) + note + s.slice(s.length - (keep - head));
}

/**
 * A name read from a file, quoted for an error message: control characters escaped, and clipped
 * to about `max` characters with its full length given ("XXXX…XX" (2,000,000 characters)).
 */
export function quoteName(name: string, max = 64): string {
  // Clipped after escaping: a name of NUL bytes escapes to six characters each ("\u0000").
  const escaped = JSON.stringify(name).slice(1, -1);
  if (escaped.length <= max) return `"${escaped}"`;
  const head = escaped.slice(0, max - 12);
  const tail = escaped.slice(escaped.length - 8);
  return `"${head}…${tail}" (${name.length.toLocaleString("en-US")} characters)`;
}
