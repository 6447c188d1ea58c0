// Test helper: checks a forward graph's gradients, as emitted by buildGradientGraph and run in
// ONNX Runtime (float32), against central finite differences of the same forward graph.
//
// The loss is sum(output * W) with fixed random W, so every output element's gradient matters
// and none cancels by symmetry. The numeric side runs the forward in float64 when ONNX Runtime
// has float64 kernels for every op in it (eps 1e-6: truncation error ~eps^2, rounding ~1e-16/eps,
// both far below float32's), else in float32 with eps 1e-2 (truncation ~1e-5 for O(1) inputs,
// rounding ~6e-8 * sum|terms| / 2eps, ~1e-4 here). The loss sum is always done in float64 in JS.
//
// Tolerances: element j passes when |a_j - n_j| <= atol * max(1, max|n|) + rtol * |n_j|.
// float64 numerics: rtol 1e-3, atol 1e-4 — the analytic side is float32, whose accumulated
// rounding over the few dozen ops and sums of these cases is ~1e-5 relative; a wrong rule is off
// by O(1). float32 numerics: rtol 1e-2, atol 2e-3, covering the finite-difference error above.

import assert from "node:assert/strict";
import { createModel, type GraphBuilder } from "../../ir/builder.js";
import type { Model } from "../../ir/model.js";
import type { Value, Dim } from "../../ir/value.js";
import { DataType } from "../../ir/dtype.js";
import { Tensor } from "../../ir/tensor/tensor.js";
import { Rng } from "../../zoo/prng.js";
import { openSession } from "../../runtime/session.js";
import type { HostTensor } from "../../runtime/host-tensor.js";
import type { RuntimeSession } from "../../runtime/runtime.js";
import { buildGradientGraph } from "../gradient-graph.js";

export interface TensorSpec {
  dims: number[];
  /** Shape declared in the model when not `dims` (symbolic dims exercise the run-time shape paths). */
  shape?: Dim[];
  /** Values (default: uniform in [-1, 1) from the case's seed). */
  values?: ArrayLike<number>;
  type?: "float" | "int64" | "bool";
  /** Differentiate with respect to it (default: true for float tensors). */
  wrt?: boolean;
  /** An initializer in the model under test (default: a graph input). */
  initializer?: boolean;
}

export interface GradCheckSpec {
  opset?: number;
  tensors: Record<string, TensorSpec>;
  /** Builds the forward graph; `dtype` is the float type to use for any float constant. */
  forward(b: GraphBuilder, t: Record<string, Value>, dtype: DataType): Value | Value[];
  /** "float32" forces float32 finite differences (default: float64 when ONNX Runtime can). */
  precision?: "auto" | "float32";
  eps?: number;
  rtol?: number;
  atol?: number;
  seed?: number;
}

export interface GradCheckResult {
  analytic: Map<string, Float32Array>;
  numeric: Map<string, Float64Array>;
  precision: "float64" | "float32";
  /** The forward + backward model that produced `analytic`. */
  model: Model;
}

const TOLERANCES = {
  float64: { eps: 1e-6, rtol: 1e-3, atol: 1e-4 },
  float32: { eps: 1e-2, rtol: 1e-2, atol: 2e-3 },
} as const;

export async function gradCheck(spec: GradCheckSpec): Promise<GradCheckResult> {
  const values = tensorValues(spec);
  const wrt = Object.entries(spec.tensors)
    .filter(([, t]) => (t.type ?? "float") === "float" && t.wrt !== false)
    .map(([n]) => n);

  // Output dims first, to draw the loss weights.
  const probe = buildCase(spec, DataType.FLOAT, false);
  const dims = await runOnce(probe.model, feedsFor(spec, values, DataType.FLOAT, probe.model), probe.outputs);
  const rng = new Rng((spec.seed ?? 1) + 7919);
  const weights = dims.map((d) => Float64Array.from({ length: d.reduce((a, b) => a * b, 1) }, () => rng.next() * 2 - 1));

  const withLoss = buildCase(spec, DataType.FLOAT, true, weights, dims);
  const grad = buildGradientGraph(withLoss.model, { loss: "loss", wrt });
  const analytic = await analyticGradients(grad.model, feedsFor(spec, values, DataType.FLOAT, grad.model), grad.gradientNames);

  const { numeric, precision } = await numericGradients(spec, values, wrt, weights);
  const tol = { ...TOLERANCES[precision], ...pick(spec) };
  for (const name of wrt) compare(name, analytic.get(name)!, numeric.get(name)!, tol.rtol, tol.atol, precision);
  return { analytic, numeric, precision, model: grad.model };
}

function pick(spec: GradCheckSpec): Partial<{ rtol: number; atol: number }> {
  const out: Partial<{ rtol: number; atol: number }> = {};
  if (spec.rtol !== undefined) out.rtol = spec.rtol;
  if (spec.atol !== undefined) out.atol = spec.atol;
  return out;
}

function tensorValues(spec: GradCheckSpec): Map<string, Float64Array> {
  const rng = new Rng(spec.seed ?? 1);
  const out = new Map<string, Float64Array>();
  for (const [name, t] of Object.entries(spec.tensors)) {
    const n = t.dims.reduce((a, b) => a * b, 1);
    out.set(name, t.values ? Float64Array.from(t.values) : Float64Array.from({ length: n }, () => rng.next() * 2 - 1));
  }
  return out;
}

interface BuiltCase {
  model: Model;
  outputs: string[];
}

/** The forward graph; with weights, reduced to the scalar "loss" = sum_i sum(out_i * W_i). */
function buildCase(spec: GradCheckSpec, dtype: DataType, withLoss: boolean, weights?: Float64Array[], dims?: number[][], allInputs = false): BuiltCase {
  const { model, builder: b } = createModel({ opset: spec.opset ?? 17 });
  const t: Record<string, Value> = {};
  const values = tensorValues(spec);
  for (const [name, ts] of Object.entries(spec.tensors)) {
    const type = elementType(ts, dtype);
    t[name] = ts.initializer && !allInputs ? b.initializer(name, Tensor.fromArray(type, ts.dims, typed(type, values.get(name)!))) : b.input(name, type, ts.shape ?? ts.dims);
  }
  const outs = [spec.forward(b, t, dtype)].flat();
  if (!withLoss) {
    const names = outs.map((o, i) => b.output(b.op("Identity", [o]), `out${i}`).name);
    return { model, outputs: names };
  }
  const terms = outs.map((o, i) => {
    const w = b.initializer(`loss_w${i}`, Tensor.fromArray(dtype, dims![i]!, typed(dtype, weights![i]!)));
    return b.op("ReduceSum", [b.op("Mul", [o, w])], { keepdims: 0 });
  });
  const loss = terms.reduce((acc, v) => b.op("Add", [acc, v]));
  b.output(loss, "loss");
  return { model, outputs: ["loss"] };
}

function elementType(ts: TensorSpec, float: DataType): DataType {
  return ts.type === "int64" ? DataType.INT64 : ts.type === "bool" ? DataType.BOOL : float;
}

function typed(type: DataType, v: Float64Array): Float32Array | Float64Array | BigInt64Array | Uint8Array {
  switch (type) {
    case DataType.DOUBLE:
      return Float64Array.from(v);
    case DataType.INT64:
      return BigInt64Array.from(v, (x) => BigInt(Math.round(x)));
    case DataType.BOOL:
      return Uint8Array.from(v, (x) => (x ? 1 : 0));
    default:
      return Float32Array.from(v);
  }
}

function host(type: DataType, dims: number[], v: Float64Array): HostTensor {
  const name = type === DataType.DOUBLE ? "float64" : type === DataType.INT64 ? "int64" : type === DataType.BOOL ? "bool" : "float32";
  return { type: name, dims, data: typed(type, v) };
}

/** Feeds for every graph input of `model` that is one of the spec's tensors. */
function feedsFor(spec: GradCheckSpec, values: Map<string, Float64Array>, dtype: DataType, model: Model): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = {};
  for (const v of model.graph.inputs) {
    const ts = spec.tensors[v.name];
    if (ts) feeds[v.name] = host(elementType(ts, dtype), ts.dims, values.get(v.name)!);
  }
  return feeds;
}

async function withSession<T>(model: Model, fn: (s: RuntimeSession) => Promise<T>): Promise<T> {
  const s = await openSession(model, { threads: 1 });
  try {
    return await fn(s);
  } finally {
    await s.release();
  }
}

async function runOnce(model: Model, feeds: Record<string, HostTensor>, outputs: string[]): Promise<number[][]> {
  return withSession(model, async (s) => {
    const r = await s.run(feeds, outputs);
    return outputs.map((o) => [...r[o]!.dims]);
  });
}

async function analyticGradients(model: Model, feeds: Record<string, HostTensor>, names: Map<string, string>): Promise<Map<string, Float32Array>> {
  return withSession(model, async (s) => {
    const r = await s.run(feeds, [...names.values()]);
    const out = new Map<string, Float32Array>();
    for (const [w, g] of names) out.set(w, r[g]!.data as Float32Array);
    return out;
  });
}

async function numericGradients(
  spec: GradCheckSpec,
  values: Map<string, Float64Array>,
  wrt: string[],
  weights: Float64Array[],
): Promise<{ numeric: Map<string, Float64Array>; precision: "float64" | "float32" }> {
  let precision: "float64" | "float32" = spec.precision === "float32" ? "float32" : "float64";
  let built = buildCase(spec, precision === "float64" ? DataType.DOUBLE : DataType.FLOAT, false, undefined, undefined, true);
  let session: RuntimeSession;
  try {
    session = await openSession(built.model, { threads: 1 });
  } catch (e) {
    // ONNX Runtime has no float64 kernel for some op in the case: fall back to float32.
    if (precision === "float32") throw e;
    precision = "float32";
    built = buildCase(spec, DataType.FLOAT, false, undefined, undefined, true);
    session = await openSession(built.model, { threads: 1 });
  }
  const dtype = precision === "float64" ? DataType.DOUBLE : DataType.FLOAT;
  const eps = spec.eps ?? TOLERANCES[precision].eps;
  const round = precision === "float64" ? (x: number) => x : Math.fround;
  const feeds = feedsFor(spec, values, dtype, built.model);
  const loss = async (): Promise<number> => {
    const r = await session.run(feeds, built.outputs);
    let sum = 0;
    built.outputs.forEach((o, i) => {
      const data = r[o]!.data as Float32Array | Float64Array;
      const w = weights[i]!;
      for (let j = 0; j < data.length; j++) sum += data[j]! * w[j]!;
    });
    return sum;
  };
  try {
    const numeric = new Map<string, Float64Array>();
    for (const name of wrt) {
      const data = feeds[name]!.data as Float32Array | Float64Array;
      const grad = new Float64Array(data.length);
      for (let j = 0; j < data.length; j++) {
        const x = data[j]!;
        const hi = round(x + eps);
        const lo = round(x - eps);
        data[j] = hi;
        const lHi = await loss();
        data[j] = lo;
        const lLo = await loss();
        data[j] = x;
        grad[j] = (lHi - lLo) / (hi - lo);
      }
      numeric.set(name, grad);
    }
    return { numeric, precision };
  } finally {
    await session.release();
  }
}

function compare(name: string, a: Float32Array, n: Float64Array, rtol: number, atol: number, precision: string): void {
  assert.equal(a.length, n.length, `gradient of ${name}: ${a.length} elements, expected ${n.length}`);
  let scale = 1;
  for (const v of n) scale = Math.max(scale, Math.abs(v));
  let worst = -1;
  let worstExcess = 0;
  for (let j = 0; j < n.length; j++) {
    const excess = Math.abs(a[j]! - n[j]!) - (atol * scale + rtol * Math.abs(n[j]!));
    if (excess > worstExcess || Number.isNaN(a[j]!)) {
      worstExcess = Number.isNaN(a[j]!) ? Infinity : excess;
      worst = j;
    }
  }
  if (worst >= 0) {
    const show = (arr: ArrayLike<number>) => Array.from(arr as ArrayLike<number>, (v) => +v.toPrecision(5)).slice(0, 24).join(", ");
    assert.fail(
      `gradient of ${name} (${precision} finite differences): element ${worst} is ${a[worst]}, expected ${n[worst]}\n` +
        `  analytic: ${show(a)}\n  numeric:  ${show(n)}`,
    );
  }
}
