// `npm start` is the README's main job: it must run on what ships with the project.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, tempDir } from "./helpers.js";

test("the main job quantizes the shipped models and reports size, latency and accuracy", () => {
  const cwd = tempDir(); // outputs go to <cwd>/out/start
  const r = spawnSync(process.execPath, [join(ROOT, "dist", "src", "cli", "start.js")], { cwd, encoding: "utf8", timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split("\n");
  const row = (flavor: string, nth: number) => lines.filter((l) => l.startsWith(flavor))[nth] ?? "";
  assert.match(row("fp32", 0), /98\.90%/, "mnist-12 fp32 accuracy on the shipped MNIST test set");
  assert.match(row("fp32", 1), /91\.29%/, "the quanta-trained CNN on the shipped Fashion-MNIST test set");
  for (const flavor of ["dynamic int8", "static int8", "fp16"]) {
    assert.match(row(flavor, 0), /9[89]\.\d\d%/, `${flavor} keeps mnist-12's accuracy`);
    assert.match(row(flavor, 1), /9[01]\.\d\d%/, `${flavor} keeps fmnist-cnn's accuracy`);
    assert.match(row(flavor, 2), /smaller/, `${flavor} on resnet18 has a verdict`);
  }
  assert.match(row("static int8", 2), /4\.0× smaller/);
});
