// Running an IR model: serializes it (external data read in) and opens a session, or hands
// ONNX Runtime the file itself when the model is too large to pass as one buffer.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Model } from "../ir/model.js";
import { serializeModel, saveModel, tensorBytes } from "../ir/serde/save.js";
import type { Runtime, RuntimeSession, SessionOptions } from "./runtime.js";
import { nodeRuntime } from "./node.js";
import { QuantaError } from "../errors.js";

const INLINE_LIMIT = 1.8 * 2 ** 30;

export async function openSession(model: Model, opts: SessionOptions & { runtime?: Runtime } = {}): Promise<RuntimeSession> {
  const rt = opts.runtime ?? (await nodeRuntime());
  try {
    if (tensorBytes(model) < INLINE_LIMIT) return await rt.createSession(serializeModel(model), opts);
    const dir = mkdtempSync(join(tmpdir(), "quanta-session-"));
    try {
      const path = join(dir, "model.onnx");
      saveModel(model, path, { externalData: true });
      return await rt.createSession(path, opts);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } catch (e) {
    if (e instanceof QuantaError) throw e;
    throw new QuantaError(`ONNX Runtime cannot load the model: ${firstLine((e as Error).message)}`);
  }
}

function firstLine(s: string): string {
  return s.split("\n")[0]!.trim();
}
