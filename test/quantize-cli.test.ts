// End-to-end tests of the quantization commands through the `quanta` binary.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, SHARED, SKIP_SHARED, sharedModel, tempDir } from "./helpers.js";

const BIN = join(ROOT, "bin", "quanta.js");

function quanta(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: ROOT, timeout: 300_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function json(args: string[]): Record<string, unknown> & { sizeBytes: number; inputBytes: number; sqnrDb: number; sizeRatio: number } {
  const r = quanta(...args, "--json");
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const dir = tempDir();
const zoo = (name: string) => {
  const p = join(dir, `${name}.onnx`);
  assert.equal(quanta("zoo", name, "-o", p, "--force").code, 0);
  return p;
};

test("static on a real CNN keeps its accuracy within 0.3 points", { skip: SKIP_SHARED }, () => {
  const d = join(SHARED, "data", "mnist");
  const images = join(d, "t10k-images-idx3-ubyte.gz");
  const out = join(dir, "mnist12-int8.onnx");
  const r = json(["static", sharedModel("mnist-12.onnx"), "-o", out, "--data", images, "--samples", "50"]);
  assert.ok(r.sqnrDb > 30, `SQNR ${r.sqnrDb}`);
  assert.equal(r.top1Agreement, 1);
  const fp = JSON.parse(quanta("eval", sharedModel("mnist-12.onnx"), "--data", images, "--json").stdout).accuracy;
  const q = JSON.parse(quanta("eval", out, "--data", images, "--json").stdout).accuracy;
  assert.ok(fp - q <= 0.003, `fp32 ${fp} int8 ${q}`);
  const cmp = JSON.parse(quanta("compare", sharedModel("mnist-12.onnx"), out, "--data", images, "--samples", "16", "--per-layer", "--json").stdout) as { layers: { kind: string; sqnrDb: number }[] };
  assert.ok(cmp.layers.some((l) => l.kind === "weight" && l.sqnrDb > 30), "untouched weights are compared with their float twins");
  const inspect = JSON.parse(quanta("inspect", out, "--json").stdout);
  assert.ok(inspect.opTypes.QuantizeLinear >= 1 && inspect.opTypes.DequantizeLinear >= 1);
});

test("static --format qop, dynamic, fp16 and fuse on the reference models", () => {
  const resnet = zoo("resnet-tiny");
  const bert = zoo("bert-tiny");
  const qop = json(["static", resnet, "-o", join(dir, "r-qop.onnx"), "--data", "random", "--samples", "8", "--format", "qop"]);
  assert.ok(qop.sqnrDb > 20);
  assert.ok(JSON.parse(quanta("inspect", join(dir, "r-qop.onnx"), "--json").stdout).opTypes.QLinearConv > 0);
  const dyn = json(["dynamic", bert, "-o", join(dir, "b-dyn.onnx"), "--dim", "sequence=16"]);
  assert.ok(dyn.sizeRatio < 0.35, `size ${dyn.sizeRatio}`);
  assert.ok(dyn.sqnrDb > 25, `SQNR ${dyn.sqnrDb}`);
  assert.equal(statSync(join(dir, "b-dyn.onnx")).size, dyn.sizeBytes);
  const fp16 = json(["fp16", resnet, "-o", join(dir, "r-fp16.onnx"), "--keep-io-types"]);
  assert.ok(fp16.sizeRatio < 0.53 && fp16.sqnrDb > 40, JSON.stringify({ size: fp16.sizeRatio, sqnr: fp16.sqnrDb }));
  const fused = json(["fuse", resnet, "-o", join(dir, "r-fused.onnx")]) as unknown as { applied: Record<string, number>; sqnrDb: number };
  assert.ok(fused.applied["conv-bn-fold"]! > 0);
  assert.ok(fused.sqnrDb > 80, `fused graph equals the unfused one numerically (SQNR ${fused.sqnrDb})`);
  json(["static", resnet, "-o", join(dir, "r-qdq.onnx"), "--data", "random", "--samples", "8"]);
  const cmp = JSON.parse(quanta("compare", resnet, join(dir, "r-qdq.onnx"), "--per-layer", "--samples", "4", "--json").stdout) as { layers: { kind: string; sqnrDb: number }[] };
  // BatchNorm-folded weights have no float twin in the unfused model; activations all do.
  assert.ok(cmp.layers.filter((l) => l.kind === "activation").length >= 8, JSON.stringify(cmp.layers));
});

test("quantization commands refuse bad input without writing anything", () => {
  const resnet = zoo("resnet-tiny");
  const out = join(dir, "exists.onnx");
  writeFileSync(out, "keep me");
  const cases: [string[], number, RegExp][] = [
    [["static", resnet, "-o", join(dir, "x.onnx")], 2, /pass --data/],
    [["dynamic", resnet, "-o", out], 2, /already exists; pass --force/],
    [["dynamic", resnet, "-o", resnet], 2, /is the input model/],
    [["static", resnet, "-o", join(dir, "y.onnx"), "--data", "random", "--calibrate", "guess"], 2, /--calibrate must be one of/],
    [["dynamic", resnet], 2, /pass -o/],
    [["static", resnet, "-o", join(dir, "z.onnx"), "--data", join(dir, "nope.npz")], 1, /nope\.npz/],
  ];
  for (const [args, code, pattern] of cases) {
    const r = quanta(...args);
    assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  assert.equal(readFileSync(out, "utf8"), "keep me");
  for (const f of ["x.onnx", "y.onnx", "z.onnx"]) assert.throws(() => statSync(join(dir, f)));
});

test("doctor names the CPU and its int8 path, and its flags agree with the kernel probe", () => {
  const r = quanta("doctor", "--json");
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout) as { cpu: { model: string; arch: string; pairSaturation: boolean }; onnxruntime: { node: string }; probe: { node: { op: string; saturates: boolean }[]; web: { saturates: boolean }[] } };
  assert.ok(d.cpu.model.length > 0 && /^\d+\.\d+/.test(d.onnxruntime.node));
  assert.equal(d.probe.node.length, 4);
  assert.ok(d.probe.web.every((p) => !p.saturates), "onnxruntime-web widens before multiplying");
  if (d.cpu.arch === "x64") assert.equal(d.cpu.pairSaturation, d.probe.node.some((p) => p.saturates), "flags predict what the probe measures");
  const text = quanta("doctor");
  assert.match(text.stdout, /^CPU: .+\nint8 features: .+\nint8 path: /);
});

test("verification names int8 kernel saturation when full-range weights run on a CPU that clips pair sums", { skip: SKIP_SHARED }, () => {
  const images = join(SHARED, "data", "mnist", "t10k-images-idx3-ubyte.gz");
  const saturates = (JSON.parse(quanta("doctor", "--json").stdout) as { probe: { node: { saturates: boolean }[] } }).probe.node.some((p) => p.saturates);
  const full = quanta("static", sharedModel("mnist-12.onnx"), "-o", join(dir, "m12-vnni.onnx"), "--data", images, "--samples", "50", "--target", "vnni", "--json");
  const portable = quanta("static", sharedModel("mnist-12.onnx"), "-o", join(dir, "m12-portable.onnx"), "--data", images, "--samples", "50", "--json");
  assert.equal(portable.code, 0, portable.stderr);
  const p = JSON.parse(portable.stdout) as { sqnrDb: number; warnings: string[] };
  assert.ok(p.sqnrDb > 35, `portable SQNR ${p.sqnrDb}`);
  assert.ok(!p.warnings.some((w) => /saturation/.test(w)), p.warnings.join("; "));
  const warned = /int8 kernel saturation on this CPU: output SQNR [\d.]+ dB where the same Q\/DQ graph computed in float gives [\d.]+ dB/.test(full.stdout + full.stderr);
  assert.equal(warned, saturates, `saturating kernels: ${saturates}; output: ${full.stdout.slice(0, 2000)} ${full.stderr}`);
  // The same check runs in compare, on any model (e.g. one quantized by another tool).
  const cmp = quanta("compare", sharedModel("mnist-12.onnx"), join(dir, "m12-vnni.onnx"), "--data", images, "--samples", "16");
  if (saturates) assert.match(cmp.stderr, /int8 kernel saturation on this CPU/);
});

test("--verify-runtime web verifies the result in onnxruntime-web", () => {
  const resnet = zoo("resnet-tiny");
  const r = json(["static", resnet, "-o", join(dir, "r-web.onnx"), "--data", "random", "--samples", "4", "--verify-runtime", "web"]);
  assert.equal(r.verifiedOn, "onnxruntime-web");
  assert.ok(r.sqnrDb > 20, `SQNR ${r.sqnrDb}`);
});
