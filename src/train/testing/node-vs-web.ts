// Test helper: one training step graph run in onnxruntime-node and onnxruntime-web (wasm) on the
// same feeds; every requested output must agree within 1e-4 of its largest magnitude.

import assert from "node:assert/strict";
import type { Model } from "../../ir/model.js";
import type { HostTensor } from "../../runtime/host-tensor.js";
import { openSession } from "../../runtime/session.js";
import { nodeRuntime } from "../../runtime/node.js";
import { webRuntime } from "../../runtime/web.js";

/** Runs `model` in both runtimes; asserts the outputs agree and returns node's. */
export async function assertNodeWebAgree(model: Model, feeds: Record<string, HostTensor>, outputs: string[]): Promise<Record<string, HostTensor>> {
  const results: Record<string, HostTensor>[] = [];
  for (const runtime of [await nodeRuntime(), await webRuntime()]) {
    const s = await openSession(model, { runtime, threads: 1 });
    results.push(await s.run(feeds, outputs));
    await s.release();
  }
  for (const name of outputs) {
    const [a, w] = results.map((r) => r[name]!.data as Float32Array);
    const scale = Math.max(1, ...Array.from(a!, Math.abs));
    a!.forEach((v, i) => assert.ok(Math.abs(v - w![i]!) <= 1e-4 * scale, `${name}[${i}]: node ${v} vs web ${w![i]}`));
  }
  return results[0]!;
}
