// Errors about user-supplied data. A distinct class lets the CLI print the one-line message
// (what is wrong and what to do) without a stack trace, since the fix is in the user's files.

export class DataError extends Error {
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
