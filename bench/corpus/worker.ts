// A corpus worker process: evaluates the entries its parent sends over IPC, one at a time, so a
// model that kills the process (a native crash in ONNX Runtime) costs only that model.

import { evaluateEntry } from "./evaluate.js";
import type { CorpusEntry } from "./entries.js";

process.on("message", (entry: CorpusEntry) => {
  evaluateEntry(entry).then(
    (record) => process.send!({ ok: true, record }),
    (e: unknown) => process.send!({ ok: false, error: String((e as Error)?.stack ?? e) }),
  );
});
process.send!({ ready: true });
