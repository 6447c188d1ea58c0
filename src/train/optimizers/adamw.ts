// AdamW (Loshchilov & Hutter) with torch.optim.AdamW's formulas, bias correction from the step input t:
//   p = p·(1 - lr·wd);  m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²
//   p = p - (lr / (1-β1^t)) · m / (sqrt(v) / sqrt(1-β2^t) + eps)
// The bias-correction scalars depend only on lr and t, so they are emitted once for all parameters.

import { DataType } from "../../ir/dtype.js";
import { QuantaError } from "../../errors.js";
import type { AdamWSpec, GraphOptimizer } from "./optimizer.js";

export function adamw(spec: Omit<AdamWSpec, "kind"> = {}): GraphOptimizer {
  const beta1 = spec.beta1 ?? 0.9;
  const beta2 = spec.beta2 ?? 0.999;
  const eps = spec.eps ?? 1e-8;
  const weightDecay = spec.weightDecay ?? 0.01;
  for (const [name, v] of [["beta1", beta1], ["beta2", beta2]] as const) {
    if (!(v >= 0 && v < 1)) throw new QuantaError(`AdamW ${name} must be in [0, 1), got ${v}`, 2);
  }
  if (!(eps > 0)) throw new QuantaError(`AdamW eps must be > 0, got ${eps}`, 2);
  if (!(weightDecay >= 0)) throw new QuantaError(`weight decay must be >= 0, got ${weightDecay}`, 2);
  const F = DataType.FLOAT;
  return {
    kind: "adamw",
    stateNames: ["m", "v"],
    usesStep: true,
    prepare(b, { lr, step }) {
      if (!step) throw new Error("AdamW needs the step input");
      const one = b.scalar(1, F);
      const correction = (beta: number) => b.sub(one, b.op("Pow", [b.scalar(beta, F), step]));
      const stepSize = b.div(lr, correction(beta1));
      const invSqrtBc2 = b.op("Reciprocal", [b.op("Sqrt", [correction(beta2)])]);
      const decay = weightDecay > 0 ? b.sub(one, b.mul(lr, b.scalar(weightDecay, F))) : null;
      const [b1, c1, b2, c2] = [beta1, 1 - beta1, beta2, 1 - beta2].map((x) => b.scalar(x, F)) as [typeof one, typeof one, typeof one, typeof one];
      const epsV = b.scalar(eps, F);
      return (p, g, [m, v]) => {
        const decayed = decay ? b.mul(p, decay) : p;
        const m1 = b.add(b.mul(b1, m!), b.mul(c1, g));
        const v1 = b.add(b.mul(b2, v!), b.mul(c2, b.mul(g, g)));
        const denom = b.add(b.mul(b.op("Sqrt", [v1]), invSqrtBc2), epsV);
        return { param: b.sub(decayed, b.mul(stepSize, b.div(m1, denom))), state: [m1, v1] };
      };
    },
  };
}
