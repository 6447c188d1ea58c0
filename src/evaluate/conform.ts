// Fitting dataset batches to a model's inputs: element type, per-sample shape, fixed batch size.

import type { Value } from "../ir/value.js";
import { dtypeToHost } from "../ir/dtype.js";
import { elementCount, type HostTensor } from "../runtime/host-tensor.js";
import { QuantaError, quoteName } from "../errors.js";
import { MAX_RANDOM_FEED_BYTES } from "./random-inputs.js";
import { float32ToFloat16Bits } from "../ir/tensor/float16.js";

/** Conforms every feed to its model input (`inputs` are the model's graph inputs). */
export function conformFeeds(feeds: Record<string, HostTensor>, inputs: readonly Value[], batchSize: number, fixedBatch: boolean): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  const unbatched = unbatchedInputs(inputs.filter((v) => v.name in feeds));
  for (const [name, t] of Object.entries(feeds)) {
    const input = inputs.find((v) => v.name === name);
    out[name] = !input ? t : unbatched.has(input) ? whole(t, input) : conform(t, input, batchSize, fixedBatch);
  }
  return out;
}

/**
 * Inputs that have no batch axis: scalars (a sample rate `sr`) and tensors whose leading dim is
 * not the first input's batch dim (a recurrent state [2, batch, 128]). A dataset sample of such
 * an input is the whole tensor, so the model runs one sample at a time (see runBatch).
 */
export function unbatchedInputs(inputs: readonly Value[]): Set<Value> {
  const batch = inputs[0]?.shape?.[0];
  return new Set(inputs.filter((v) => v.shape !== undefined && (v.shape.length === 0 || (batch !== undefined && v.shape[0] !== batch))));
}

/** Samples per run: one when an input has no batch axis, the fixed batch when the first input has one, else `requested`. */
export function runBatch(inputs: readonly Value[], requested: number): { batchSize: number; fixed: boolean } {
  if (unbatchedInputs(inputs).size > 0) return { batchSize: 1, fixed: true };
  const fixed = inputs[0]?.shape?.[0];
  return typeof fixed === "number" && fixed > 0 ? { batchSize: fixed, fixed: true } : { batchSize: requested, fixed: false };
}

/** A one-sample batch of an input without a batch axis: the sample is the whole tensor. */
function whole(t: HostTensor, input: Value): HostTensor {
  if (t.dims[0] !== 1) throw new QuantaError(`input "${input.name}" has no batch axis (shape [${input.shape}]), so samples must run one at a time, but a batch of ${t.dims[0]} arrived`);
  const want = input.dtype !== undefined ? dtypeToHost(input.dtype) : t.type;
  const out = { ...t, dims: t.dims.slice(1) };
  return want !== out.type ? castHost(out, want, input.name) : out;
}

/** Matches a batch to the model input: element type, per-sample shape, and a fixed batch size. */
export function conform(t: HostTensor, input: Value, batchSize: number, fixedBatch: boolean): HostTensor {
  let out = t;
  const want = input.dtype !== undefined ? dtypeToHost(input.dtype) : t.type;
  if (want !== out.type) out = castHost(out, want, input.name);
  const shape = input.shape;
  if (shape && shape.length === 0) {
    // A scalar input has no batch axis: only one sample per run fits it.
    if (out.dims.length !== 1 || out.dims[0] !== 1) {
      throw new QuantaError(`input "${input.name}" is a scalar, so the model takes one sample per run, but the batch has shape [${out.dims}]`);
    }
    return { ...out, dims: [] };
  }
  const per = out.dims.slice(1);
  if (shape && shape.slice(1).every((d): d is number => typeof d === "number")) {
    const wantPer = shape.slice(1) as number[];
    if (wantPer.join() !== per.join()) {
      if (elementCount(wantPer) !== elementCount(per)) {
        throw new QuantaError(`input "${input.name}" expects samples of shape [${wantPer}] but the data has [${per}]; check --size/--layout or the dataset`);
      }
      out = { ...out, dims: [out.dims[0]!, ...wantPer] };
    }
  }
  if (fixedBatch && out.dims[0]! < batchSize) out = padRows(out, batchSize, input.name);
  // Samples are stacked along the first axis of every input; an input whose first dimension is
  // fixed to something else (a weight fed as an input, a second operand) cannot take that batch.
  const lead = shape?.[0];
  if (typeof lead === "number" && lead > 0 && out.dims[0] !== lead) {
    throw new QuantaError(
      `input "${input.name}" has a fixed first dimension of ${lead} but the batch has ${out.dims[0]} row(s); quanta stacks samples along the first axis of every input, so all inputs need the same batch dimension`,
    );
  }
  return out;
}

function castHost(t: HostTensor, type: HostTensor["type"], name: string): HostTensor {
  if ((type === "int32" || type === "int64") && (t.type === "int64" || t.type === "int32")) {
    const data = type === "int64" ? BigInt64Array.from(t.data as Int32Array, (x) => BigInt(x)) : Int32Array.from(t.data as BigInt64Array, (x) => Number(x));
    return { type, dims: t.dims, data };
  }
  if (type === "float64" && t.type === "float32") return { type, dims: t.dims, data: Float64Array.from(t.data as Float32Array) };
  if (type === "float32" && t.type === "float64") return { type, dims: t.dims, data: Float32Array.from(t.data as Float64Array) };
  if (type === "float16" && t.type === "float32") return { type, dims: t.dims, data: Uint16Array.from(t.data as Float32Array, float32ToFloat16Bits) };
  throw new QuantaError(`input "${name}" takes ${type} but the data gives ${t.type}`);
}

/** Repeats the last sample to fill a fixed batch; the extra rows' predictions are ignored. */
function padRows(t: HostTensor, rows: number, name: string): HostTensor {
  const per = t.data.length / t.dims[0]!;
  const bytes = (t.data.byteLength / t.dims[0]!) * rows;
  if (bytes > MAX_RANDOM_FEED_BYTES) {
    throw new QuantaError(
      `input ${quoteName(name)} has a fixed batch of ${rows}: one run of it takes ${(bytes / 2 ** 20).toFixed(0)} MB (limit ${MAX_RANDOM_FEED_BYTES / 2 ** 20} MB); check the model's input shape (axis 0)`,
    );
  }
  const Ctor = t.data.constructor as new (n: number) => HostTensor["data"];
  const data = new Ctor(per * rows);
  (data as Float32Array).set(t.data as Float32Array);
  for (let r = t.dims[0]!; r < rows; r++) (data as Float32Array).copyWithin(r * per, (t.dims[0]! - 1) * per, t.dims[0]! * per);
  return { type: t.type, dims: [rows, ...t.dims.slice(1)], data };
}

