import { test } from "node:test";
import { runOptimizer, assertClose } from "../testing/optimizer-harness.js";

const P0 = [[0.5, -1.25, 2, 0], [0.1, -0.3]];
const STEPS = [
  { lr: 0.01, grads: [[0.2, -0.4, 1, 0], [3, -2]] },
  { lr: 0.02, grads: [[-0.6, 0.1, 0.25, 1e-3], [-1, 0.5]] },
  { lr: 0.02, grads: [[0.3, 0.3, -0.7, -2], [0.5, 0.5]] },
  { lr: 0.005, grads: [[0.01, -0.02, 0.03, 0], [0, 0]] },
];

// torch.optim.AdamW (amsgrad off) written out in float64.
function reference(beta1: number, beta2: number, eps: number, wd: number): number[][][] {
  const p = P0.map((x) => [...x]);
  const m = P0.map((x) => x.map(() => 0));
  const v = P0.map((x) => x.map(() => 0));
  const out: number[][][] = [];
  STEPS.forEach((s, t) => {
    const step = t + 1;
    const bc1 = 1 - beta1 ** step;
    const bc2 = 1 - beta2 ** step;
    p.forEach((w, i) => {
      w.forEach((_, k) => {
        const g = s.grads[i]![k]!;
        w[k] = w[k]! * (1 - s.lr * wd);
        m[i]![k] = beta1 * m[i]![k]! + (1 - beta1) * g;
        v[i]![k] = beta2 * v[i]![k]! + (1 - beta2) * g * g;
        const denom = Math.sqrt(v[i]![k]!) / Math.sqrt(bc2) + eps;
        w[k] = w[k]! - (s.lr / bc1) * (m[i]![k]! / denom);
      });
    });
    out.push(p.map((w) => [...w]));
  });
  return out;
}

for (const [beta1, beta2, eps, wd] of [[0.9, 0.999, 1e-8, 0.01], [0.8, 0.99, 1e-3, 0], [0.5, 0.9, 1e-6, 0.1]] as const) {
  test(`AdamW betas (${beta1}, ${beta2}) eps ${eps} weight decay ${wd} matches a float64 hand computation`, async () => {
    const r = await runOptimizer({ kind: "adamw", beta1, beta2, eps, weightDecay: wd }, P0, STEPS);
    const want = reference(beta1, beta2, eps, wd);
    // float32 arithmetic, and the bias corrections 1 - β^t lose digits for β near 1: 1e-5 relative.
    r.params.forEach((ps, t) => ps.forEach((w, i) => assertClose(w, want[t]![i]!, 1e-5, `step ${t + 1} w${i}`)));
  });
}
