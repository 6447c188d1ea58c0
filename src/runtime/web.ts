// onnxruntime-web's wasm backend: the same Runtime interface, for browsers (and Node, to test parity).

import { ortRuntime, type Runtime } from "./runtime.js";

let cached: Promise<Runtime> | undefined;

export function webRuntime(opts: { threads?: number } = {}): Promise<Runtime> {
  cached ??= import("onnxruntime-web").then((ort) => {
    ort.env.wasm.numThreads = opts.threads ?? 1;
    return ortRuntime(ort as never, "onnxruntime-web", { executionProviders: ["wasm"] });
  });
  return cached;
}
