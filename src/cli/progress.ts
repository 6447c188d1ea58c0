// Progress bars on stderr for long work; silent when stderr is not a terminal or --json is set.

import cliProgress from "cli-progress";

export interface Progress {
  update(done: number, extra?: Record<string, string | number>): void;
  stop(): void;
}

export function progressBar(label: string, total: number, opts: { quiet?: boolean } = {}): Progress {
  const stream = terminal();
  if (opts.quiet || !stream) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} {percentage}% | ETA {eta_formatted} {info}`, stream, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { info: "" });
  return {
    update: (done, extra) => bar.update(done, { info: extra ? Object.entries(extra).map(([k, v]) => `${k} ${v}`).join(" ") : "" }),
    stop: () => bar.stop(),
  };
}

/**
 * stderr when it is a terminal. Under the watcher (watch.ts) stderr is a pipe to it, forwarded to
 * the terminal as it comes; the watcher says so, and bars draw through the pipe.
 */
function terminal(): NodeJS.WritableStream | null {
  if (process.stderr.isTTY) return process.stderr;
  if (process.env.QUANTA_STDERR_TTY !== "1") return null;
  const columns = Number(process.env.QUANTA_STDERR_COLUMNS) || 80;
  // cli-progress only writes text and escape codes, and reads isTTY and columns.
  const write = (chunk: string | Uint8Array, ...rest: unknown[]) => process.stderr.write(chunk as string, ...(rest as []));
  return { isTTY: true, columns, write } as unknown as NodeJS.WriteStream;
}
