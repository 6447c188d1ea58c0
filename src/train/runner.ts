// Executes training steps in ONNX Runtime, one run per step (the step graph) or up to K per run
// (the Loop graph), behind one interface. Training state lives in a host-side map keyed by slot
// key, so the two forms are interchangeable and checkpoints do not depend on which ran.

import { openSession } from "../runtime/session.js";
import { stackHost, type HostTensor } from "../runtime/host-tensor.js";
import type { RuntimeSession } from "../runtime/runtime.js";
import { allSlots, type StepGraph } from "./step-graph.js";
import { buildLoopGraph } from "./loop-graph.js";
import type { Feeds } from "./batch-feeds.js";

export type TrainingState = Map<string, HostTensor>;

export interface StepResult {
  losses: number[];
  gradNorms: number[] | null;
}

export interface StepRunner {
  /** The most steps one run takes (1 for the plain step graph). */
  readonly stepsPerRun: number;
  /** Runs one step per batch (at most stepsPerRun); `firstStep` is the 1-based count of the first update. */
  run(batches: readonly Feeds[], lrs: readonly number[], firstStep: number, state: TrainingState): Promise<StepResult>;
  release(): Promise<void>;
}

const f32 = (values: readonly number[], dims: number[]): HostTensor => ({ type: "float32", dims, data: Float32Array.from(values) });

export async function openRunner(step: StepGraph, stepsPerRun: number, threads?: number): Promise<StepRunner> {
  return stepsPerRun <= 1 ? singleStepRunner(step, await openSession(step.model, { threads })) : loopRunner(step, stepsPerRun, threads);
}

function singleStepRunner(step: StepGraph, session: RuntimeSession): StepRunner {
  const slots = allSlots(step);
  const outputs = [step.lossOutput, ...(step.gradNorm ? [step.gradNorm] : []), ...slots.map((s) => s.output)];
  return {
    stepsPerRun: 1,
    async run(batches, lrs, firstStep, state) {
      const losses: number[] = [];
      const norms: number[] = [];
      for (let k = 0; k < batches.length; k++) {
        const feeds: Feeds = { ...batches[k]!, [step.lr]: f32([lrs[k]!], []) };
        if (step.step) feeds[step.step] = f32([firstStep + k], []);
        for (const s of slots) feeds[s.input] = state.get(s.key)!;
        const r = await session.run(feeds, outputs);
        for (const s of slots) state.set(s.key, r[s.output]!);
        losses.push(Number(r[step.lossOutput]!.data[0]));
        if (step.gradNorm) norms.push(Number(r[step.gradNorm]!.data[0]));
      }
      return { losses, gradNorms: step.gradNorm ? norms : null };
    },
    release: () => session.release(),
  };
}

async function loopRunner(step: StepGraph, stepsPerRun: number, threads?: number): Promise<StepRunner> {
  const lg = buildLoopGraph(step);
  const session = await openSession(lg.model, { threads });
  const slots = allSlots(lg);
  const outputs = [lg.losses, ...(lg.gradNorms ? [lg.gradNorms] : []), ...slots.map((s) => s.output)];
  return {
    stepsPerRun,
    async run(batches, lrs, firstStep, state) {
      const k = batches.length;
      const feeds: Feeds = { [lg.steps]: { type: "int64", dims: [], data: BigInt64Array.of(BigInt(k)) }, [lg.lrs]: f32(lrs.slice(0, k), [k]) };
      for (const [name, stacked] of lg.stacked) feeds[stacked] = stackHost(batches.map((b) => b[name]!));
      if (lg.firstStep) feeds[lg.firstStep] = f32([firstStep], []);
      for (const s of slots) feeds[s.input] = state.get(s.key)!;
      const r = await session.run(feeds, outputs);
      for (const s of slots) state.set(s.key, r[s.output]!);
      return {
        losses: Array.from(r[lg.losses]!.data as Float32Array),
        gradNorms: lg.gradNorms ? Array.from(r[lg.gradNorms]!.data as Float32Array) : null,
      };
    },
    release: () => session.release(),
  };
}
