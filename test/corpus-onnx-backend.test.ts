// A bounded, deterministic slice of the ONNX backend-test corpus (Debian libonnx-testdata): for
// every sampled model, quanta's load → save gives ONNX Runtime bit-identical outputs on the
// test's own inputs, and dynamic / static --data random / fp16 (both interfaces) end in a result,
// a one-line refusal or a skip — never an internal error. `npm run corpus` runs all 1,072.

import { test } from "node:test";
import assert from "node:assert/strict";
import { backendDataDir, backendEntries, NO_BACKEND_DATA, type CorpusEntry } from "../bench/corpus/entries.js";
import { evaluateEntry } from "../bench/corpus/evaluate.js";
import { COMMANDS } from "../bench/corpus/harness.js";

const SKIP = backendDataDir() ? false : NO_BACKEND_DATA;

/** Models whose failures the corpus found and whose fixes these tests keep fixed. */
const REGRESSIONS = [
  "node/test_abs", // fixed-batch random samples overran their rows (RangeError)
  "node/test_conv_with_strides_padding", // nothing to calibrate: ORT run with no fetches
  "node/test_matmul_2d", // second operand with its own fixed first dim
  "node/test_clip", // scalar inputs
  "node/test_unsqueeze_three_axes", // axes input random: calibration error is one line
  "node/test_scatter_with_axis", // Scatter upgraded past opset 11
  "node/test_globalaveragepool", // opset 1: fp16 refuses instead of writing an invalid Cast
  "node/test_isinf", // fp16 keeps IsInf float32
  "node/test_celu",
  "node/test_mvn",
  "node/test_if_opt", // optional(sequence) output: no SIGSEGV
  "node/test_range_float_type_positive_delta_expanded", // Loop with scalar trip count
  "pytorch-converted/test_Conv2d",
  "simple/test_sequence_model1",
];

/** FNV-1a, so the sample does not move when the package adds or drops models. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const all = backendEntries();
const id = (e: CorpusEntry) => `${e.group}/${e.name}`;
const sample = all.filter((e) => REGRESSIONS.includes(id(e)) || fnv1a(id(e)) % 16 === 0);

test(`ONNX backend tests: ${sample.length} of ${all.length} models round-trip and no command fails internally`, { skip: SKIP }, async (t) => {
  assert.ok(sample.length >= 50, `sample has ${sample.length} models`);
  for (const e of sample) {
    await t.test(id(e), async () => {
      const r = await evaluateEntry(e);
      const rt = r.roundTrip;
      // Identical outputs, or (outside quanta's reach) ORT cannot load the original / feed its inputs.
      assert.ok(["identical", "not-run", "skipped"].includes(rt.status), `round trip ${rt.status}: ${rt.detail}`);
      if (rt.status === "not-run") {
        assert.match(rt.detail!, /is not a tensor|element type/, "only non-tensor or non-feedable I/O may stop the run");
        assert.equal(rt.protoEqual, true, "then the saved protobuf must equal the original");
      }
      if (rt.status === "skipped") assert.match(rt.detail!, /^ONNX Runtime cannot load the original/);
      for (const c of COMMANDS) {
        const o = r.commands[c]!;
        assert.notEqual(o.status, "crash", `${c}: internal error: ${o.detail}`);
        assert.notEqual(o.status, "broken", `${c} wrote a model ONNX Runtime rejects or cannot run: ${o.detail}`);
        if (o.status === "refused") assert.ok(o.detail && !o.detail.includes("\n"), `${c}: a refusal is one line`);
      }
    });
  }
});
