// SGD with momentum, nesterov and L2 weight decay, with torch.optim.SGD's semantics (dampening 0):
//   d = g + wd·p;  buf = μ·buf + d;  d = nesterov ? d + μ·buf : buf;  p = p - lr·d
// torch starts the buffer at the first gradient; starting from zeros gives the same first buffer.

import { DataType } from "../../ir/dtype.js";
import { QuantaError } from "../../errors.js";
import type { GraphOptimizer, SgdSpec } from "./optimizer.js";

export function sgd(spec: Omit<SgdSpec, "kind"> = {}): GraphOptimizer {
  const momentum = spec.momentum ?? 0;
  const weightDecay = spec.weightDecay ?? 0;
  if (!(momentum >= 0 && momentum < 1)) throw new QuantaError(`SGD momentum must be in [0, 1), got ${momentum}`, 2);
  if (!(weightDecay >= 0)) throw new QuantaError(`weight decay must be >= 0, got ${weightDecay}`, 2);
  if (spec.nesterov && momentum === 0) throw new QuantaError("Nesterov momentum needs a momentum above 0", 2);
  const F = DataType.FLOAT;
  return {
    kind: "sgd",
    stateNames: momentum > 0 ? ["momentum"] : [],
    usesStep: false,
    prepare(b, { lr }) {
      return (p, g, state) => {
        let d = weightDecay > 0 ? b.add(g, b.mul(b.scalar(weightDecay, F), p)) : g;
        if (momentum === 0) return { param: b.sub(p, b.mul(lr, d)), state: [] };
        const mu = b.scalar(momentum, F);
        const buf = b.add(b.mul(mu, state[0]!), d);
        d = spec.nesterov ? b.add(d, b.mul(mu, buf)) : buf;
        return { param: b.sub(p, b.mul(lr, d)), state: [buf] };
      };
    },
  };
}
