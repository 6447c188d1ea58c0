// The default paths of the model-writing commands, end to end through bin/quanta.js: fp16 with
// float16 inputs and outputs, results that verification rejects, runs that change nothing, IR-3
// weights listed as graph inputs, weights inside If branches.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { ROOT, SKIP_SHARED, sharedModel, tempDir } from "./helpers.js";
import { activationOverflowModel, hugeVarianceBnModel, ifBranchModel, ir3WeightInputsModel } from "./fixture-models.js";
import { saveModel } from "../src/ir/serde/save.js";
import { loadModel } from "../src/ir/serde/load.js";
import { DataType } from "../src/ir/dtype.js";
import { writeNpz } from "../src/data/npz.js";
import { openDataset } from "../src/data/open-dataset.js";
import { randomDataset } from "../src/data/random-dataset.js";
import { compareModels } from "../src/verify/compare.js";
import { convertModelToFloat16 } from "../src/fp16/convert-model.js";
import { openSession } from "../src/runtime/session.js";
import { float16BitsToFloat32, float32ToFloat16Bits } from "../src/ir/tensor/float16.js";

const BIN = join(ROOT, "bin", "quanta.js");
const dir = tempDir("quanta-defaults-");

function quanta(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: ROOT, timeout: 300_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function json(...args: string[]): Json {
  const r = quanta(...args, "--json");
  assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Json;
}

function saved(name: string, build: () => ReturnType<typeof ifBranchModel>): string {
  const p = join(dir, name);
  if (!existsSync(p)) saveModel(build(), p);
  return p;
}

const zoo = (name: string) => {
  const p = join(dir, `${name}.onnx`);
  if (!existsSync(p)) assert.equal(quanta("zoo", name, "-o", p).code, 0);
  return p;
};

const MNIST = join(ROOT, "data", "mnist", "t10k-images-idx3-ubyte.gz");

test("fp16 by default: float16 inputs and outputs, verified on float16-converted samples", () => {
  // (readme-commands.test.ts runs the README's fp16 lines on more models.)
  const cases: [string, string[], number][] = [
    [zoo("bert-tiny"), ["--dim", "sequence=16"], 50],
    [join(ROOT, "models", "mnist-12.onnx"), ["--data", MNIST, "--verify", "32"], 50],
  ];
  for (const [model, extra, minDb] of cases) {
    const out = join(dir, `${model.split("/").pop()}.fp16.onnx`);
    const r = json("fp16", model, "-o", out, ...extra);
    assert.ok(r.sqnrDb > minDb, `${model}: SQNR ${r.sqnrDb}`);
    assert.ok(r.sizeRatio < 0.56, `${model}: size ${r.sizeRatio}`);
    assert.equal(r.verified, true);
    const m = loadModel(out);
    for (const v of m.graph.inputs) assert.notEqual(v.dtype, DataType.FLOAT, `${model}: input ${v.name} is not float32 any more`);
    for (const v of m.graph.outputs) assert.equal(v.dtype, DataType.FLOAT16, `${model}: output ${v.name} is float16`);
  }
  // The float16 model scores like the float one when eval feeds it the same digits.
  const acc = (p: string) => JSON.parse(quanta("eval", p, "--data", MNIST, "--limit", "300", "--json").stdout).accuracy as number;
  const fp32 = acc(join(ROOT, "models", "mnist-12.onnx"));
  assert.ok(fp32 > 0.95);
  assert.ok(Math.abs(acc(join(dir, "mnist-12.onnx.fp16.onnx")) - fp32) <= 0.004);
});

test("fp16 default on the shared real models", { skip: SKIP_SHARED }, () => {
  for (const name of ["mnist-cnn-ruiyangju", "fmnist-cnn-edwin19", "fmnist-cnn-lazybogdi"]) {
    const r = json("fp16", sharedModel(`${name}.onnx`), "-o", join(dir, `${name}-shared.fp16.onnx`));
    assert.ok(r.sqnrDb > 50, `${name}: SQNR ${r.sqnrDb}`);
    assert.equal(r.top1Agreement, 1, name);
  }
});

test("fp16 folds BatchNorm before converting: variances of 9.8e7 no longer get clamped", async () => {
  const model = saved("huge-bn.onnx", hugeVarianceBnModel);
  const r = json("fp16", model, "-o", join(dir, "huge-bn.fp16.onnx"));
  assert.equal(r.foldedBatchNorms, 1);
  assert.equal(r.fp16.clampedValues, 0);
  assert.ok(r.sqnrDb > 40, `SQNR ${r.sqnrDb}`);
  // The fixture is a real trap: converting without folding clamps the variances and the result is far off.
  const float = loadModel(model);
  const naive = loadModel(model);
  const stats = convertModelToFloat16(naive, { keepIoTypes: true });
  assert.ok(stats.clampedValues >= 20, `${stats.clampedValues} clamped`);
  const cmp = await compareModels(float, naive, randomDataset(float, 8), { samples: 8 });
  assert.ok(!(cmp.sqnrDb > 10), `unfolded float16 SQNR ${cmp.sqnrDb}`);
});

test("fp16 keeps ops whose activations leave float16's range float32, found by a float32 run on the samples", async () => {
  const model = saved("overflow.onnx", activationOverflowModel);
  const r = json("fp16", model, "-o", join(dir, "overflow.fp16.onnx"));
  assert.ok(r.sqnrDb > 50, `SQNR ${r.sqnrDb}`);
  assert.ok(r.rangeCheck.outOfRange.length >= 1 && r.rangeCheck.outOfRange[0].peak > 65504, JSON.stringify(r.rangeCheck));
  assert.ok(r.fp16.keptFloat32ByOp.MatMul === 1, JSON.stringify(r.fp16.keptFloat32ByOp));
  // Run it on float16 data by hand: finite, and close to float64 math.
  const s = await openSession(loadModel(join(dir, "overflow.fp16.onnx")));
  const x = Float32Array.from({ length: 256 }, (_, i) => ((i * 37) % 100) / 100);
  const res = await s.run({ x: { type: "float16", dims: [1, 256], data: Uint16Array.from(x, float32ToFloat16Bits) } }, ["scores"]);
  await s.release();
  const got = Array.from(res.scores!.data as Uint16Array, float16BitsToFloat32);
  const inits = loadModel(model).graph.initializers;
  const w = inits.get("w")!.initializer!.toFloat32();
  const w2 = inits.get("w2")!.initializer!.toFloat32();
  const xh = Array.from(x, (v) => float16BitsToFloat32(float32ToFloat16Bits(v)));
  const scaled = Array.from({ length: 16 }, (_, j) => 0.001 * xh.reduce((acc, v, i) => acc + v * w[i * 16 + j]!, 0));
  assert.ok(scaled.every((v) => v > 65.504), "the MatMul's outputs (before the scale) exceed 65504");
  const want = Array.from({ length: 8 }, (_, k) => scaled.reduce((acc, v, j) => acc + v * w2[j * 8 + k]!, 0));
  const err = Math.hypot(...want.map((v, k) => v - got[k]!)) / Math.hypot(...want);
  assert.ok(err < 2e-3, `relative error ${err}: ${got} vs ${want}`);
  // Without samples (--verify 0) there is no range check, and the output says so.
  const blind = quanta("fp16", model, "-o", join(dir, "overflow-blind.fp16.onnx"), "--verify", "0");
  assert.equal(blind.code, 0, blind.stderr);
  assert.match(blind.stdout, /activation ranges not checked \(--verify 0\)/);
  assert.match(blind.stdout, /not verified \(--verify 0\)/);
});

test("a result verification rejects is not written: exit 1, the numbers, what to try; --allow-bad writes it", () => {
  const model = join(ROOT, "models", "mnist-12.onnx");
  const out = join(dir, "p50.onnx");
  const bad = ["static", model, "-o", out, "--data", MNIST, "--samples", "32", "--calibrate", "percentile", "--percentile", "50.01"];
  const r = quanta(...bad);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^quanta: error: verification failed: SQNR -?\d+\.\d dB < 10 dB, top-1 agreement \d+ of 32 \(\d+\.\d%\) < 90% .* not written\. Try .*--allow-bad/);
  assert.equal(existsSync(out), false);
  const forced = quanta(...bad, "--allow-bad");
  assert.equal(forced.code, 0, forced.stderr);
  assert.ok(statSync(out).size > 0);
  assert.match(forced.stderr, /WARNING: verification failed: .* written anyway \(--allow-bad\)/);
  // The thresholds are options: a good result fails a bar set above it.
  const strict = quanta("dynamic", model, "-o", join(dir, "strict.onnx"), "--data", MNIST, "--min-sqnr", "200");
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /SQNR \d+\.\d dB < 200 dB/);
  assert.doesNotMatch(strict.stderr, /top-1/);
  assert.equal(existsSync(join(dir, "strict.onnx")), false);
  assert.equal(quanta("dynamic", model, "-o", join(dir, "lax.onnx"), "--min-top1", "101").code, 2);
});

test("a run that changes nothing is not written (exit 1), unless --allow-bad", () => {
  const model = join(ROOT, "models", "mnist-12.onnx");
  const out = join(dir, "nothing.onnx");
  const r = quanta("dynamic", model, "-o", out, "--ops", "Gather");
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^quanta: error: nothing quantized: .*nothing written \(--allow-bad writes the unchanged model\)/);
  assert.equal(existsSync(out), false);
  const forced = quanta("dynamic", model, "-o", out, "--ops", "Gather", "--allow-bad");
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stderr, /WARNING: nothing quantized/);
  assert.match(forced.stdout, /quantized 0 MatMul, 0 Gemm, 0 Conv/);
});

test("IR-3 weights that are also graph inputs are quantized as weights; the float copies leave the file", async () => {
  const model = saved("ir3.onnx", ir3WeightInputsModel);
  const src = loadModel(model);
  assert.equal(src.irVersion, 3);
  assert.equal(src.graph.inputs.filter((v) => v.initializer).length, 4, "the fixture lists its weights as inputs");
  const dyn = json("dynamic", model, "-o", join(dir, "ir3.dyn.onnx"));
  assert.ok(dyn.sizeRatio < 0.35, `dynamic size ${dyn.sizeRatio}`);
  assert.match(dyn.notes.join(), /4 initializer\(s\) were also listed as graph inputs .*IR version 3 → 4/);
  const st = json("static", model, "-o", join(dir, "ir3.qdq.onnx"), "--data", "random", "--samples", "16");
  assert.ok(st.sizeRatio < 0.4, `static size ${st.sizeRatio}`);
  for (const p of ["ir3.dyn.onnx", "ir3.qdq.onnx"]) {
    const m = loadModel(join(dir, p));
    assert.deepEqual(m.graph.inputs.map((v) => v.name), ["data"], p);
    assert.ok(![...m.graph.initializers.keys()].includes("fc_w"), `${p} still holds the float fc_w`);
    // ONNX Runtime agrees with the float model.
    const cmp = await compareModels(src, m, randomDataset(src, 8), { samples: 8 });
    assert.ok(cmp.sqnrDb > 15, `${p}: SQNR ${cmp.sqnrDb}`);
  }
  const text = quanta("dynamic", model, "-o", join(dir, "ir3.dyn2.onnx"));
  assert.match(text.stdout, /^note: 4 initializer\(s\) were also listed as graph inputs/m);
});

test("weights inside If branches: dynamic quantizes them and verifies both branches; static and fp16 say why they cannot", async () => {
  const model = saved("if.onnx", ifBranchModel);
  // Real data for both branches: sr = 16000 and sr = 8000.
  const n = 8;
  const data = join(dir, "vad.npz");
  await writeNpz(data, {
    input: { type: "float32", dims: [n, 64], data: Float32Array.from({ length: n * 64 }, (_, i) => Math.sin(i * 0.37)) },
    sr: { type: "int64", dims: [n], data: BigInt64Array.from({ length: n }, (_, i) => (i % 2 ? 8000n : 16000n)) },
  });
  const out = join(dir, "if.dyn.onnx");
  const r = json("dynamic", model, "-o", out, "--data", data, "--verify", String(n));
  assert.equal(r.quantized.matmuls, 2);
  assert.equal(r.quantized.inSubgraphs, 2);
  assert.ok(r.sizeRatio < 0.45, `size ${r.sizeRatio}`);
  assert.ok(r.sqnrDb > 15, `SQNR ${r.sqnrDb}`);
  // Each branch on its own, against the float model in ONNX Runtime.
  const ds = await openDataset(data);
  for (const sr of [16000n, 8000n]) {
    const only = { ...ds, size: n / 2, get: (i: number) => ds.get(sr === 16000n ? 2 * i : 2 * i + 1) };
    const cmp = await compareModels(loadModel(model), loadModel(out), only, { samples: n / 2 });
    assert.ok(cmp.sqnrDb > 15, `sr ${sr}: SQNR ${cmp.sqnrDb}`);
  }
  // Random verification data (sr is a scalar input) and --verify 0 work too.
  assert.equal(quanta("dynamic", model, "-o", join(dir, "if.dyn-random.onnx")).code, 0);
  const blind = quanta("dynamic", model, "-o", join(dir, "if.dyn-blind.onnx"), "--verify", "0");
  assert.equal(blind.code, 0, blind.stderr);
  assert.match(blind.stdout, /quantized 2 MatMul.*\(2 of them inside If\/Loop\/Scan bodies\)/);
  // static quantizes the main graph's head and says the branches stay float, and why.
  const st = quanta("static", model, "-o", join(dir, "if.qdq.onnx"), "--data", data);
  assert.equal(st.code, 0, st.stderr);
  assert.match(st.stderr, /WARNING: 3 quantizable op\(s\) inside If\/Loop\/Scan bodies stay float \(2 MatMul, 1 Relu\): static calibration does not run inside subgraphs.*`quanta dynamic` quantizes their weights/);
  const stNone = quanta("static", model, "-o", join(dir, "if.qdq-none.onnx"), "--data", data, "--exclude", "MatMul,Sigmoid");
  assert.equal(stNone.code, 1);
  assert.match(stNone.stderr, /nothing quantized: its quantizable ops \(2 MatMul, 1 Relu\) are inside If\/Loop\/Scan bodies, where calibration does not run; `quanta dynamic` quantizes their weights/);
  // fp16 converts the main graph (the head) and says that the branches stay float32, and why.
  const fp = quanta("fp16", model, "-o", join(dir, "if.fp16.onnx"), "--data", data);
  assert.equal(fp.code, 0, fp.stderr);
  assert.match(fp.stderr, /WARNING: 1 If\/Loop\/Scan node\(s\) run float32 with their bodies, and the 2 weight\(s\) \(16\.0 KB\) they read stay float32: fp16 does not convert subgraphs/);
  // With the head kept float32 too, nothing is left to convert: not written.
  const none = quanta("fp16", model, "-o", join(dir, "if.fp16-none.onnx"), "--data", data, "--block", "MatMul");
  assert.equal(none.code, 1);
  assert.match(none.stderr, /nothing converted: the float weights \(2, 16\.0 KB\) are inside If\/Loop\/Scan bodies, which fp16 does not convert/);
  for (const f of ["if.qdq-none.onnx", "if.fp16-none.onnx"]) assert.equal(existsSync(join(dir, f)), false);
});
