// onnxruntime-node, loaded on first use so importing the library stays cheap.

import { ortRuntime, type Runtime } from "./runtime.js";

let cached: Promise<Runtime> | undefined;

export function nodeRuntime(): Promise<Runtime> {
  cached ??= import("onnxruntime-node").then((ort) => ortRuntime(ort as never, "onnxruntime-node"));
  return cached;
}
