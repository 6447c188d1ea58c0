// Errors about user-supplied data: a QuantaError, so the CLI prints the one-line message (what is
// wrong and what to do) without a stack trace, since the fix is in the user's files.

import { QuantaError } from "../errors.js";

export class DataError extends QuantaError {
  override readonly name = "DataError";
}

/** Throws a DataError; an expression-friendly shorthand for readers' validation. */
export function fail(message: string): never {
  throw new DataError(message);
}

/** The message of anything thrown, for wrapping third-party errors into one-line DataErrors. */
export function reason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n")[0]!.trim();
}
