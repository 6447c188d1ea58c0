// Shared by the two PyTorch corpus test files: one test for each export's round trip against
// PyTorch's outputs, and one per command against the targets (SQNR ≥ 25 dB vs the float model,
// top-1 agreement ≥ 99% over the class / vocabulary axis). Targets are never lowered: a miss
// that is understood and being fixed elsewhere is listed in KNOWN with the numbers measured here,
// and runs as a todo test (reported, not failing the suite) until the fix lands.

import { test } from "node:test";
import assert from "node:assert/strict";
import { torchEntries, torchManifest, TORCH_DIR } from "../bench/corpus/entries.js";
import { TORCH_COMMANDS, TORCH_TARGETS, meetsTargets, torchCommand, torchEntry, torchRoundTrip } from "../bench/corpus/torch.js";

export const SKIP_TORCH = torchEntries().length ? false : `${TORCH_DIR} has no exports (run /usr/bin/python3 scripts/export-torch-corpus.py)`;

/**
 * Known misses, measured on 2 x AMD EPYC (AVX2, no VNNI), onnxruntime-node 1.30, with main's
 * portable int8 encoding, verifying on every sample of the export's .npz. Keys are
 * "<model> round trip" or "<model> <command>". The int8 and fp16 work on other branches may
 * move these numbers; a todo test that starts passing is reported as such.
 */
export const KNOWN: Record<string, string> = {
  // No single culprit (quanta compare --per-layer): static puts 151 per-tensor uint8 activation
  // quantizers in series (every Conv, SiLU's Sigmoid and Mul, each SE block's pool, Sigmoid and
  // Mul); alone each costs 29-56 dB (median 36; BN-folded conv outputs reach 13-15x their RMS),
  // together they leave 21 dB. Keeping any one of the 9 stages float gains at most 1.4 dB;
  // quantizing only Conv/Gemm gives 22.3 dB; percentile / entropy / mse calibration give
  // 18.7 / 4.6 / 21.4 dB. The float model does not amplify noise (60 dB at its input, 56.8 dB at
  // its logits).
  "efficientnet_b0_narrow_op13 static":
    "target missed: SQNR 21.1 dB (top-1 100.0%, 100 of 100 agree): the noise of 151 per-tensor uint8 activation quantizers in series (SiLU and SE blocks) adds up; no single layer is to blame",
};

export function defineTorchTests(names: (name: string) => boolean): void {
  for (const m of torchManifest().filter((x) => names(x.name))) {
    test(`${m.name}: load → save gives ONNX Runtime outputs identical to the export's, within 1e-4 of PyTorch's`, { skip: SKIP_TORCH, todo: KNOWN[`${m.name} round trip`] }, async () => {
      const rt = await torchRoundTrip(torchEntry(m.name));
      assert.equal(rt.status, "identical", rt.detail);
      assert.equal(rt.vsExpected, "match", `ONNX Runtime vs PyTorch: max abs error ${rt.expectedMaxAbs}`);
    });
    for (const cmd of TORCH_COMMANDS) {
      test(`${m.name}: ${cmd} reaches SQNR ≥ ${TORCH_TARGETS.sqnrDb} dB and top-1 ≥ ${100 * TORCH_TARGETS.top1}% against the float model`, { skip: SKIP_TORCH, todo: KNOWN[`${m.name} ${cmd}`] }, async () => {
        const o = await torchCommand(torchEntry(m.name), cmd);
        assert.notEqual(o.status, "crash", `internal error: ${o.detail}`);
        const r = meetsTargets(o);
        assert.ok(r.ok, r.text);
      });
    }
  }
}

/** What the fixtures promise: several opsets, dynamic axes really used, torch.onnx's big Constant buffers, a bounded size. */
export function defineFixtureTests(): void {
  test("the PyTorch exports cover opsets 11, 13 and 17, run at shapes other than the traced ones, and stay small", { skip: SKIP_TORCH }, async () => {
    const { loadModel } = await import("../src/ir/serde/load.js");
    const { statSync, readdirSync } = await import("node:fs");
    const { join } = await import("node:path");
    const models = torchManifest();
    assert.ok(models.length >= 10, `${models.length} exports`);
    assert.deepEqual([...new Set(models.map((m) => m.opset))].sort((a, b) => a - b), [11, 13, 17]);
    for (const m of models) {
      const data = Object.values(m.inputs).map(([, shape]) => shape.join("x")).join();
      const traced = Object.values(m.traced).map((shape) => shape.join("x")).join();
      assert.notEqual(data, traced, `${m.name}: the npz inputs must use the dynamic axes (traced ${traced})`);
      const model = loadModel(join(TORCH_DIR, `${m.name}.onnx`));
      const symbolic = model.graph.inputs.flatMap((v) => (v.shape ?? []).filter((d) => typeof d === "string"));
      assert.ok(symbolic.includes("batch"), `${m.name}: symbolic batch axis`);
    }
    // torch.onnx writes registered buffers (BERT's position_ids / token_type_ids, GPT's causal
    // mask) as Constant nodes of 4 KB and more: the case the serde must carry.
    for (const name of ["bert_encoder_op11", "gpt_decoder_op13"]) {
      const g = loadModel(join(TORCH_DIR, `${name}.onnx`)).graph;
      const big = g.nodes.filter((n) => n.opType === "Constant" && (g.constantValue(n.output(0))?.byteLength ?? 0) >= 4096);
      assert.ok(big.length >= 1, `${name}: a Constant node of at least 4 KB`);
    }
    const bytes = readdirSync(TORCH_DIR).reduce((n, f) => n + statSync(join(TORCH_DIR, f)).size, 0);
    assert.ok(bytes <= 10 * 2 ** 20, `fixtures take ${(bytes / 2 ** 20).toFixed(1)} MB`);
  });
}
