// onnxruntime-node, loaded on first use so importing the library stays cheap.

import { ortRuntime, type Runtime } from "./runtime.js";

let cached: Promise<Runtime> | undefined;

export function nodeRuntime(): Promise<Runtime> {
  cached ??= loadOrt().then((ort) => ortRuntime(ort as never, "onnxruntime-node"));
  return cached;
}

function loadOrt(): Promise<unknown> {
  // ONNX Runtime 1.30's Linux build starts a telemetry client when it loads, which leaves a
  // `.ses` file and an empty `mat-debug-<pid>.log` in the temp folder on every run (hundreds
  // pile up in /tmp) and may try to upload. quanta never wants it; a user's own setting wins.
  process.env.ORT_DISABLE_TELEMETRY ??= "1";
  return import("onnxruntime-node");
}
