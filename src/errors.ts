// Errors meant for users: the CLI prints their message as one line, without a stack trace.

export class QuantaError extends Error {
  /** Process exit code the CLI uses (1 = bad input or failed run, 2 = usage). */
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "QuantaError";
    this.exitCode = exitCode;
  }
}
