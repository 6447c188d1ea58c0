// Running an IR model: serializes it (external data read in) and opens a session, or hands
// ONNX Runtime the file itself when the model is too large to pass as one buffer.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Model } from "../ir/model.js";
import { serializeModel, saveModel, tensorBytes } from "../ir/serde/save.js";
import { ortMessage, type Runtime, type RuntimeSession, type SessionOptions } from "./runtime.js";
import { nodeRuntime } from "./node.js";
import { QuantaError } from "../errors.js";
import { DataType } from "../ir/dtype.js";
import { checkLoopsEnd } from "./endless-loops.js";

const INLINE_LIMIT = 1.8 * 2 ** 30;

export async function openSession(model: Model, options: SessionOptions & { runtime?: Runtime } = {}): Promise<RuntimeSession> {
  checkLoopsEnd(model);
  const rt = options.runtime ?? (await nodeRuntime());
  // ORT 1.30's CPU optimizer at level "all" crashes the process on some float16 graphs
  // (Transpose → MatMul with a float16 constant weight); "extended" runs them correctly.
  const opts = options.optimizationLevel === undefined && hasFloat16Weights(model) ? { ...options, optimizationLevel: "extended" as const } : options;
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
    throw new QuantaError(`ONNX Runtime cannot load the model: ${ortMessage(e)}`);
  }
}

function hasFloat16Weights(model: Model): boolean {
  for (const v of model.graph.initializers.values()) if (v.initializer!.dtype === DataType.FLOAT16) return true;
  return false;
}
