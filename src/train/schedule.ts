// Learning-rate schedules, computed in JS and fed to the step graph's lr input, so changing the
// schedule never changes the graph. Steps are 0-based counts of updates already applied.

import { QuantaError } from "../errors.js";

export type ScheduleSpec =
  | { kind: "constant" }
  /** Multiplies the rate by `gamma` every `every` steps (torch StepLR), counted after warmup. */
  | { kind: "step"; every: number; gamma?: number }
  /** Half-cosine from the base rate down to `minLr` (default 0) at the last step (torch CosineAnnealingLR). */
  | { kind: "cosine"; minLr?: number };

export interface LrScheduleOptions {
  lr: number;
  schedule?: ScheduleSpec;
  /** Linear warmup over the first `warmup` steps, from lr/warmup up to lr. */
  warmup?: number;
  /** Total number of steps of the run (cosine needs it). */
  totalSteps: number;
}

export type LrSchedule = (step: number) => number;

export function lrSchedule(o: LrScheduleOptions): LrSchedule {
  const { lr, totalSteps } = o;
  const warmup = o.warmup ?? 0;
  const spec = o.schedule ?? { kind: "constant" };
  if (!(lr > 0 && Number.isFinite(lr))) throw new QuantaError(`the learning rate must be a positive number, got ${lr}`, 2);
  if (!(Number.isInteger(warmup) && warmup >= 0)) throw new QuantaError(`warmup must be a whole number of steps, got ${warmup}`, 2);
  const after = (step: number): number => {
    const t = step - warmup;
    switch (spec.kind) {
      case "constant":
        return lr;
      case "step": {
        if (!(Number.isInteger(spec.every) && spec.every > 0)) throw new QuantaError(`the step schedule needs a positive step interval, got ${spec.every}`, 2);
        return lr * (spec.gamma ?? 0.1) ** Math.floor(t / spec.every);
      }
      case "cosine": {
        const span = Math.max(1, totalSteps - warmup);
        const min = spec.minLr ?? 0;
        return min + ((lr - min) * (1 + Math.cos((Math.PI * Math.min(t, span)) / span))) / 2;
      }
      default:
        throw new QuantaError(`unknown schedule "${(spec as { kind: string }).kind}"; use constant, step or cosine`, 2);
    }
  };
  after(warmup); // validates the spec before training starts
  return (step) => (step < warmup ? (lr * (step + 1)) / warmup : after(step));
}
