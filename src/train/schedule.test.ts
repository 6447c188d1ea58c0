import { test } from "node:test";
import assert from "node:assert/strict";
import { lrSchedule } from "./schedule.js";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

test("constant, with and without linear warmup", () => {
  const s = lrSchedule({ lr: 0.1, totalSteps: 10 });
  for (const t of [0, 5, 9]) close(s(t), 0.1);
  const w = lrSchedule({ lr: 0.1, warmup: 4, totalSteps: 10 });
  [0.025, 0.05, 0.075, 0.1, 0.1, 0.1].forEach((v, t) => close(w(t), v));
});

test("step decay multiplies by gamma every N steps after warmup", () => {
  const s = lrSchedule({ lr: 1, schedule: { kind: "step", every: 3, gamma: 0.5 }, totalSteps: 20 });
  [1, 1, 1, 0.5, 0.5, 0.5, 0.25].forEach((v, t) => close(s(t), v));
  const w = lrSchedule({ lr: 1, warmup: 2, schedule: { kind: "step", every: 3 }, totalSteps: 20 });
  [0.5, 1, 1, 1, 1, 0.1].forEach((v, t) => close(w(t), v));
});

test("cosine goes from lr to minLr over the steps after warmup", () => {
  const s = lrSchedule({ lr: 2, schedule: { kind: "cosine" }, totalSteps: 5 });
  close(s(0), 2);
  close(s(5), 0);
  close(s(2), 1 + Math.cos((Math.PI * 2) / 5));
  const w = lrSchedule({ lr: 1, warmup: 2, schedule: { kind: "cosine", minLr: 0.1 }, totalSteps: 6 });
  close(w(0), 0.5);
  close(w(2), 1);
  close(w(4), 0.55);
  close(w(6), 0.1);
  close(w(100), 0.1);
});

test("bad settings are usage errors", () => {
  assert.throws(() => lrSchedule({ lr: 0, totalSteps: 1 }), /learning rate/);
  assert.throws(() => lrSchedule({ lr: 1, warmup: 1.5, totalSteps: 1 }), /warmup/);
  assert.throws(() => lrSchedule({ lr: 1, schedule: { kind: "step", every: 0 }, totalSteps: 1 }), /interval/);
});
