import { test } from "node:test";
import assert from "node:assert/strict";
import { maxAbsDiff } from "../../test/helpers.js";
import { buildBert, BERT_BASE } from "./bert.js";
import { BERT_TINY } from "./catalog.js";
import { countInitializers } from "./count.js";
import { openSession } from "../runtime/session.js";
import type { RuntimeSession } from "../runtime/runtime.js";

const CLASSES = BERT_TINY.classes;

/** Runs rows of token ids, each with its own mask (1 = real token), all of one length. */
async function classify(s: RuntimeSession, rows: number[][], masks?: number[][]): Promise<Float32Array> {
  const b = rows.length;
  const len = rows[0]!.length;
  const flat = (m: number[][]) => BigInt64Array.from(m.flat(), BigInt);
  const out = await s.run({
    input_ids: { type: "int64", dims: [b, len], data: flat(rows) },
    attention_mask: { type: "int64", dims: [b, len], data: flat(masks ?? rows.map((r) => r.map(() => 1))) },
  });
  assert.deepEqual(out.logits!.dims, [b, CLASSES]);
  return out.logits!.data as Float32Array;
}


async function withTiny<T>(fn: (s: RuntimeSession) => Promise<T>): Promise<T> {
  const s = await openSession(buildBert(BERT_TINY, { seed: 0 }), { threads: 1 });
  try {
    return await fn(s);
  } finally {
    await s.release();
  }
}

// Built once: 110M floats take a couple of seconds and 440 MB.
const base = { model: buildBert(BERT_BASE, { seed: 0 }) };

test("bert-base has BertModel's parameter count plus the classifier", () => {
  const { model } = base;
  const g = model.graph;
  const classifier = ["classifier.weight", "classifier.bias"].reduce((a, n) => a + g.initializers.get(n)!.initializer!.size, 0);
  const c = countInitializers(model);
  assert.equal(classifier, 1_538);
  assert.equal(c.trainable - classifier, 109_482_240);
  assert.equal(c.buffers, 0);
  assert.equal(model.opset, 17);

  const count = (op: string) => g.nodes.filter((n) => n.opType === op).length;
  assert.equal(count("LayerNormalization"), 25);
  assert.equal(count("Softmax"), 12);
  assert.equal(count("Erf"), 12);
  assert.equal(count("MatMul"), 12 * 8); // q, k, v, scores, context, output, ffn in, ffn out
  assert.equal(count("Gemm"), 2); // pooler, classifier
  for (const n of g.nodes.filter((n) => n.opType === "LayerNormalization")) {
    assert.deepEqual(n.attributes.get("epsilon"), { type: "float", value: 1e-12 });
  }
  assert.deepEqual(g.initializers.get("bert.encoder.layer.11.intermediate.dense.weight")!.initializer!.dims, [768, 3072]);
  assert.deepEqual(g.initializers.get("bert.embeddings.word_embeddings.weight")!.initializer!.dims, [30522, 768]);
  assert.deepEqual(
    g.inputs.map((v) => [v.name, v.shape]),
    [
      ["input_ids", ["batch", "sequence"]],
      ["attention_mask", ["batch", "sequence"]],
    ],
  );
  assert.deepEqual([g.outputs[0]!.name, g.outputs[0]!.shape], ["logits", ["batch", 2]]);
  // 0.02-normal weights, as BERT initializes them.
  const w = g.initializers.get("bert.encoder.layer.0.attention.self.query.weight")!.initializer!.toFloat32();
  let s2 = 0;
  for (const v of w) s2 += v * v;
  assert.ok(Math.abs(Math.sqrt(s2 / w.length) - 0.02) < 0.0005);
});

test("bert-base runs in ONNX Runtime", async () => {
  const s = await openSession(base.model, { threads: 2 });
  try {
    const tokens = [101, 2023, 2003, 1037, 3231, 102];
    const logits = await classify(s, [tokens, tokens.map((t) => (t === 101 || t === 102 ? t : t + 7))]);
    assert.ok(logits.every(Number.isFinite));
    assert.ok(maxAbsDiff(logits.subarray(0, 2), logits.subarray(2, 4)) > 1e-3);
  } finally {
    await s.release();
  }
});

test("bert-tiny runs with symbolic batch and sequence; different inputs differ", async () => {
  await withTiny(async (s) => {
    const rows = [
      [101, 7, 8, 9, 10, 102],
      [101, 500, 501, 502, 503, 102],
      [101, 33, 44, 55, 66, 102],
    ];
    const all = await classify(s, rows);
    assert.ok(all.every(Number.isFinite));
    for (let i = 0; i < rows.length; i++) {
      const one = await classify(s, [rows[i]!]);
      assert.ok(maxAbsDiff(one, all.subarray(i * CLASSES, (i + 1) * CLASSES)) <= 1e-5, `row ${i}`);
    }
    assert.ok(maxAbsDiff(all.subarray(0, 2), all.subarray(2, 4)) > 1e-3);
    const longer = await classify(s, [[101, 7, 8, 9, 10, 11, 12, 13, 14, 15, 102]]);
    assert.ok(longer.every(Number.isFinite));
  });
});

test("bert-tiny masks out padding tokens", async () => {
  await withTiny(async (s) => {
    const tokens = [101, 12, 345, 678, 9, 102];
    const padded = [...tokens, 0, 0, 0, 0];
    const plain = await classify(s, [tokens]);
    const masked = await classify(s, [padded], [padded.map((_, i) => (i < tokens.length ? 1 : 0))]);
    assert.ok(maxAbsDiff(plain, masked) <= 1e-4, `padding changed logits by ${maxAbsDiff(plain, masked)}`);
    // The mask is what makes that true: attending to the same padding changes the result.
    const unmasked = await classify(s, [padded]);
    assert.ok(maxAbsDiff(plain, unmasked) > 1e-3);
    // Padded and unpadded rows in one batch, as a data loader would send them.
    const mixed = await classify(s, [padded, [101, 5, 6, 7, 8, 9, 10, 11, 12, 102]], [padded.map((_, i) => (i < 6 ? 1 : 0)), Array(10).fill(1)]);
    assert.ok(maxAbsDiff(plain, mixed.subarray(0, 2)) <= 1e-4);
  });
});
