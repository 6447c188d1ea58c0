import { test } from "node:test";
import { runOptimizer, assertClose } from "../testing/optimizer-harness.js";

const P0 = [[0.5, -1.25, 2], [0.1]];
const STEPS = [
  { lr: 0.1, grads: [[0.2, -0.4, 1], [3]] },
  { lr: 0.05, grads: [[-0.6, 0.1, 0.25], [-1]] },
  { lr: 0.05, grads: [[0.3, 0.3, -0.7], [0.5]] },
];

// torch.optim.SGD written out in float64, one step at a time.
function reference(momentum: number, wd: number, nesterov: boolean): number[][][] {
  const p = P0.map((x) => [...x]);
  const buf = P0.map((x) => x.map(() => 0));
  const out: number[][][] = [];
  for (const s of STEPS) {
    p.forEach((w, i) => {
      w.forEach((_, k) => {
        let d = s.grads[i]![k]! + wd * w[k]!;
        if (momentum > 0) {
          buf[i]![k] = momentum * buf[i]![k]! + d;
          d = nesterov ? d + momentum * buf[i]![k]! : buf[i]![k]!;
        }
        w[k] = w[k]! - s.lr * d;
      });
    });
    out.push(p.map((w) => [...w]));
  }
  return out;
}

for (const [momentum, wd, nesterov] of [[0, 0, false], [0.9, 0, false], [0.9, 0.01, false], [0.8, 0.05, true]] as const) {
  test(`SGD momentum ${momentum} weight decay ${wd}${nesterov ? " nesterov" : ""} matches a float64 hand computation`, async () => {
    const r = await runOptimizer({ kind: "sgd", momentum, weightDecay: wd, nesterov }, P0, STEPS);
    const want = reference(momentum, wd, nesterov);
    r.params.forEach((ps, t) => ps.forEach((w, i) => assertClose(w, want[t]![i]!, 1e-6, `step ${t + 1} w${i}`)));
  });
}
