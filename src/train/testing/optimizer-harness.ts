// Runs an optimizer graph on hand-fed parameters and gradients, feeding the state back each
// step, so tests can compare it with a float64 computation written out in JS.

import { createModel } from "../../ir/builder.js";
import { DataType } from "../../ir/dtype.js";
import { openSession } from "../../runtime/session.js";
import type { HostTensor } from "../../runtime/host-tensor.js";
import { appendOptimizer } from "../optimizers/append.js";
import type { OptimizerSpec } from "../optimizers/optimizer.js";

export interface HarnessStep {
  lr: number;
  /** One gradient per parameter. */
  grads: number[][];
}

/** Parameters after each step (float32 results as numbers), and the gradient norm when clipping. */
export async function runOptimizer(spec: OptimizerSpec, params: number[][], steps: HarnessStep[], opts: { clipNorm?: number } = {}): Promise<{ params: number[][][]; norms: number[] }> {
  const { model, builder: b } = createModel({ opset: 17 });
  const entries = params.map((p, i) => ({
    name: `w${i}`,
    param: b.input(`w${i}`, DataType.FLOAT, [p.length]),
    grad: b.input(`g${i}`, DataType.FLOAT, [p.length]),
  }));
  const opt = appendOptimizer(model.graph, 17, entries, spec, opts);
  const outs = opt.updates.flatMap((u) => [u.param, ...u.state.map((s) => s.output)]);
  for (const v of outs) b.output(v);
  if (opt.gradNorm) b.output(opt.gradNorm, "grad_norm");
  const session = await openSession(model, { threads: 1 });
  const f32 = (xs: ArrayLike<number>): HostTensor => ({ type: "float32", dims: [xs.length], data: Float32Array.from(xs) });
  let theta: Float32Array[] = params.map((p) => Float32Array.from(p));
  const state = new Map<string, Float32Array>();
  opt.updates.forEach((u, i) => u.state.forEach((s) => state.set(s.input.name, new Float32Array(params[i]!.length))));
  const history: number[][][] = [];
  const norms: number[] = [];
  try {
    for (let t = 0; t < steps.length; t++) {
      const feeds: Record<string, HostTensor> = { [opt.lr.name]: { type: "float32", dims: [], data: Float32Array.of(steps[t]!.lr) } };
      if (opt.step) feeds[opt.step.name] = { type: "float32", dims: [], data: Float32Array.of(t + 1) };
      entries.forEach((e, i) => {
        feeds[e.param.name] = f32(theta[i]!);
        feeds[e.grad.name] = f32(steps[t]!.grads[i]!);
      });
      for (const [k, v] of state) feeds[k] = f32(v);
      const r = await session.run(feeds);
      theta = opt.updates.map((u) => r[u.param.name]!.data as Float32Array);
      for (const u of opt.updates) for (const s of u.state) state.set(s.input.name, r[s.output.name]!.data as Float32Array);
      if (opt.gradNorm) norms.push((r[opt.gradNorm.name]!.data as Float32Array)[0]!);
      history.push(theta.map((x) => Array.from(x)));
    }
  } finally {
    await session.release();
  }
  return { params: history, norms };
}

export function assertClose(actual: number[], expected: number[], rel: number, what: string): void {
  if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= rel * Math.max(1, Math.abs(e)))) throw new Error(`${what}[${i}]: ${a} vs ${e} (float64 hand computation)`);
  });
}
