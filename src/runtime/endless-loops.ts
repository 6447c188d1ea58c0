// A Loop whose body passes its condition through unchanged runs exactly its trip count, or
// forever without one. ONNX Runtime runs a model synchronously, so such a run cannot be stopped
// from JavaScript: a damaged trip count (2^32) or a missing one hangs every command. Refused
// before a session is opened.

import type { Model } from "../ir/model.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";
import { QuantaError, quoteName } from "../errors.js";
import { DataType } from "../ir/dtype.js";

/** Most iterations quanta lets such a Loop run (ONNX Runtime's Loop costs microseconds per step). */
export const MAX_FIXED_LOOP_ITERATIONS = 1_000_000;

export function checkLoopsEnd(model: Model): void {
  for (const n of model.graph.allNodes()) {
    if (n.opType !== "Loop" || (n.domain !== "" && n.domain !== "ai.onnx")) continue;
    const body = n.subgraphs()[0];
    if (!body || !conditionUnchanged(n, body.inputs[1], body.outputs[0])) continue;
    const tripInput = n.input(0);
    const trip = tripInput ? n.graph?.constantValue(tripInput) : undefined;
    const name = quoteName(n.name || n.outputs[0]?.name || "?", 40);
    if (!tripInput) {
      throw new QuantaError(`Loop node ${name} never ends: it has no trip count and its body passes its condition through unchanged; the model is damaged or needs inputs that stop it`);
    }
    // Computed at run time, or not the int64 scalar ONNX asks for (ORT refuses those itself).
    if (!trip || trip.dtype !== DataType.INT64 || trip.dims.reduce((a, b) => a * b, 1) !== 1) continue;
    const steps = trip.toNumbers()[0]!;
    if (steps > MAX_FIXED_LOOP_ITERATIONS) {
      throw new QuantaError(
        `Loop node ${name} runs ${steps.toLocaleString("en-US")} iterations (its trip count, with a condition its body never changes), more than quanta runs (${MAX_FIXED_LOOP_ITERATIONS.toLocaleString("en-US")}); check the trip count`,
      );
    }
  }
}

/**
 * Whether the body's condition output is its condition input (directly or through Identity), and
 * the loop does not start with a constant false condition.
 */
function conditionUnchanged(loop: Node, condIn: Value | undefined, condOut: Value | undefined): boolean {
  if (!condIn || !condOut) return false;
  let v: Value | undefined = condOut;
  for (let hops = 0; v && v !== condIn && hops < 100; hops++) {
    const p: Node | null = v.producer;
    if (!p || p.opType !== "Identity") return false;
    v = p.input(0) ?? undefined;
  }
  if (v !== condIn) return false;
  const start = loop.input(1);
  const initial = start ? loop.graph?.constantValue(start) : undefined;
  return !(initial && initial.dtype === DataType.BOOL && initial.dims.reduce((a, b) => a * b, 1) === 1 && initial.toNumbers()[0] === 0);
}
