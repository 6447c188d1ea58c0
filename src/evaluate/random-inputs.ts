// Random inputs of the right types and shapes, for benchmarks and smoke runs. Integer inputs
// that index an embedding table stay inside it; masks are all ones.

import type { Model } from "../ir/model.js";
import type { Value } from "../ir/value.js";
import { DataType, dtypeName, dtypeToHost, rawByteLength } from "../ir/dtype.js";
import { allocHost, type HostTensor } from "../runtime/host-tensor.js";
import { QuantaError, quoteName } from "../errors.js";
import { float32ToFloat16Bits } from "../ir/tensor/float16.js";

/**
 * Most bytes of random data one set of feeds may take. Far above any real sample (a 4K float
 * image is 100 MB), far below what a mistaken or hostile shape asks for ([100000,1,28,28] is
 * 314 MB, and the activations it drives through ONNX Runtime are gigabytes).
 */
export const MAX_RANDOM_FEED_BYTES = 256 * 2 ** 20;

export interface InputPlan {
  name: string;
  dtype: DataType;
  dims: number[];
  /** Symbolic dims and the values chosen for them. */
  bound: Record<string, number>;
}

/** Concrete shapes for every graph input; symbolic dims come from `dims` or default to 1. */
export function planInputs(model: Model, dims: Record<string, number> = {}): { inputs: InputPlan[]; defaulted: string[] } {
  const defaulted = new Set<string>();
  const inputs = model.graph.inputs
    .filter((v) => !v.initializer)
    .map((v) => {
      if (v.dtype === undefined) throw new QuantaError(`input "${v.name}" is not a tensor; quanta cannot make data for it`);
      const bound: Record<string, number> = {};
      const shape = (v.shape ?? []).map((d, i) => {
        if (typeof d === "number" && d >= 0) return d;
        const key = typeof d === "string" ? d : `${v.name}[${i}]`;
        const val = dims[key] ?? (defaulted.add(key), 1);
        bound[key] = val;
        return val;
      });
      return { name: v.name, dtype: v.dtype, dims: shape, bound };
    });
  checkFeedSize(inputs);
  const unknown = Object.keys(dims).filter((k) => !inputs.some((p) => k in p.bound));
  if (unknown.length) {
    const names = [...new Set(inputs.flatMap((p) => Object.keys(p.bound)))];
    throw new QuantaError(`--dim ${unknown.join(", ")}: the model has no such symbolic dimension (it has: ${names.join(", ") || "none"})`);
  }
  return { inputs, defaulted: [...defaulted] };
}

/** Deterministic pseudo-random feeds following `plan`. */
export function randomFeeds(model: Model, plan: InputPlan[], seed = 1): Record<string, HostTensor> {
  let s = seed >>> 0 || 1;
  const rnd = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  checkFeedSize(plan);
  const feeds: Record<string, HostTensor> = {};
  for (const p of plan) {
    const v = model.graph.inputs.find((x) => x.name === p.name)!;
    const t = allocHost(dtypeToHostChecked(p), p.dims);
    const data = t.data;
    if (p.dtype === DataType.FLOAT || p.dtype === DataType.DOUBLE) {
      for (let i = 0; i < data.length; i++) (data as Float32Array)[i] = rnd();
    } else if (p.dtype === DataType.FLOAT16) {
      // The same [0, 1) values as float32 inputs get, as float16 bits (a float16 model's inputs).
      for (let i = 0; i < data.length; i++) (data as Uint16Array)[i] = float32ToFloat16Bits(rnd());
    } else if (p.dtype === DataType.INT64 || p.dtype === DataType.INT32) {
      const limit = indexLimit(v);
      // A scalar integer that indexes nothing is a size or count (a window length, a step): zero
      // would make every tensor it sizes empty, which ONNX Runtime 1.30's int8 kernels crash on.
      const count = p.dims.length === 0 ? () => 1 + Math.floor(rnd() * 8) : () => 0;
      const fill = /mask/i.test(p.name) ? () => 1 : limit ? () => Math.floor(rnd() * limit) : count;
      for (let i = 0; i < data.length; i++) {
        if (data instanceof BigInt64Array) data[i] = BigInt(fill());
        else (data as Int32Array)[i] = fill();
      }
    } else if (data instanceof BigUint64Array) {
      for (let i = 0; i < data.length; i++) data[i] = BigInt(Math.floor(rnd() * 256));
    } else if (p.dtype === DataType.BOOL) {
      (data as Uint8Array).fill(1);
    } else {
      for (let i = 0; i < data.length; i++) (data as Uint8Array)[i] = Math.floor(rnd() * 256);
    }
    feeds[p.name] = t;
  }
  return feeds;
}

/** Refuses, before anything is allocated, feeds whose shapes call for an absurd amount of data. */
function checkFeedSize(plan: readonly InputPlan[]): void {
  let total = 0;
  for (const p of plan) {
    const bad = p.dims.findIndex((d) => !Number.isSafeInteger(d) || d < 0);
    if (bad >= 0) throw new QuantaError(`input ${quoteName(p.name)} has dimension ${p.dims[bad]} on axis ${bad}; quanta cannot make data of that shape`);
    let bytes: number;
    try {
      bytes = rawByteLength(p.dtype, p.dims.reduce((a, b) => a * b, 1));
    } catch {
      continue; // an element type quanta cannot feed is reported when the feeds are made
    }
    total += bytes;
    if (total > MAX_RANDOM_FEED_BYTES) {
      const shape = `${dtypeName(p.dtype)}[${p.dims.join(",")}]`;
      const big = p.dims.reduce((m, d, i) => (d > p.dims[m]! ? i : m), 0);
      throw new QuantaError(
        `input ${quoteName(p.name)} is ${shape}, ${(bytes / 2 ** 20).toFixed(0)} MB of random data (limit ${MAX_RANDOM_FEED_BYTES / 2 ** 20} MB for all inputs together); ` +
          `check the model's input shape (axis ${big} is ${p.dims[big]}) or pass smaller --dim values`,
      );
    }
  }
}

function dtypeToHostChecked(p: InputPlan) {
  try {
    return dtypeToHost(p.dtype);
  } catch {
    if (p.dtype === DataType.UNDEFINED) throw new QuantaError(`input ${quoteName(p.name)} has no element type (0, UNDEFINED, in the file); the model is damaged, re-export it`);
    throw new QuantaError(`input ${quoteName(p.name)} has element type ${dtypeName(p.dtype)}, which quanta cannot feed`);
  }
}

/** Row count of the embedding table an integer input indexes (through Cast/Reshape/etc.), if any. */
function indexLimit(v: Value): number | undefined {
  const seen = new Set<Value>();
  const walk = (x: Value): number | undefined => {
    if (seen.has(x)) return undefined;
    seen.add(x);
    for (const u of x.uses) {
      const n = u.node;
      if (n.opType === "Gather" && u.index === 1 && n.getInt("axis", 0) === 0) {
        const table = n.graph?.constantValue(n.input(0));
        if (table) return table.dims[0];
      }
      if (["Cast", "Reshape", "Unsqueeze", "Squeeze", "Flatten", "Identity"].includes(n.opType) && u.index === 0) {
        const r = walk(n.output(0));
        if (r) return r;
      }
    }
    return undefined;
  };
  return walk(v);
}
