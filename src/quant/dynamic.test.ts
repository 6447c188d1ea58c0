import { test } from "node:test";
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rmSync } from "node:fs";
import { buildZooModel } from "../zoo/index.js";
import { parseModel, loadModel } from "../ir/serde/load.js";
import { serializeModel } from "../ir/serde/save.js";
import { openSession } from "../runtime/session.js";
import { randomDataset } from "../data/random-dataset.js";
import { quantizeDynamic } from "./dynamic.js";
import { dynamicConfig } from "./dynamic-config.js";
import { prepareFloat } from "./static.js";
import { compareModels } from "../verify/compare.js";
import { inspectModel } from "../inspect/inspect.js";
import { DataType } from "../ir/dtype.js";

async function optimizedOps(model: ReturnType<typeof loadModel>): Promise<Record<string, number>> {
  const opt = join(tmpdir(), `quanta-dyn-opt-${process.pid}.onnx`);
  try {
    await (await openSession(model, { optimizedModelPath: opt })).release();
    return inspectModel(loadModel(opt)).opTypes;
  } finally {
    rmSync(opt, { force: true });
  }
}

test("dynamic bert-tiny: MatMuls become the int8 pattern ORT fuses, embeddings int8, output close", async () => {
  const float = buildZooModel("bert-tiny");
  const q = parseModel(serializeModel(float));
  await prepareFloat(q);
  const r = await quantizeDynamic(q, dynamicConfig({ minElements: 256 }));
  assert.equal(r.matmuls, 12); // 2 layers × (Q, K, V, O, FFN in, FFN out)
  assert.ok(r.tables >= 2, "word and position embeddings");
  const ops = inspectModel(q).opTypes;
  assert.equal(ops.MatMulInteger, r.matmuls + r.gemms); // + the pooler Gemm
  assert.ok(ops.DynamicQuantizeLinear! >= 1);
  const opt = await optimizedOps(q);
  const fused = (opt["com.microsoft.DynamicQuantizeMatMul"] ?? 0) + (opt["com.microsoft.MatMulIntegerToFloat"] ?? 0);
  assert.equal(fused, r.matmuls + r.gemms, `ORT ran the MatMuls as int8 kernels: ${JSON.stringify(opt)}`);
  // Residual Adds before LayerNormalization are Sums, so ORT keeps its fast LayerNormalization.
  assert.equal(r.residualSums, 5); // embeddings + 2 per layer
  assert.equal(opt["com.microsoft.SkipLayerNormalization"], undefined, JSON.stringify(opt));
  assert.equal(opt.LayerNormalization, 5);
  const word = q.graph.initializers.get("bert.embeddings.word_embeddings.weight_quantized")!.initializer!;
  assert.equal(word.dtype, DataType.INT8);
  const size = serializeModel(q).byteLength / serializeModel(float).byteLength;
  assert.ok(size < 0.33, `size ratio ${size}`);
  const cmp = await compareModels(float, q, randomDataset(float, 8, { sequence: 16 }), { samples: 8 });
  assert.ok(cmp.sqnrDb > 25, `SQNR ${cmp.sqnrDb}`);
});

test("dynamic Conv weight-only: int8 on disk, folded back to float by ORT at session start", async () => {
  const float = buildZooModel("resnet-tiny");
  const q = parseModel(serializeModel(float));
  await prepareFloat(q);
  const r = await quantizeDynamic(q, dynamicConfig({ minElements: 16 }));
  assert.equal(r.convs, inspectModel(float).opTypes.Conv);
  assert.ok(inspectModel(q).bytesByDtype.int8! > 0.7 * inspectModel(q).parameters);
  const opt = await optimizedOps(q);
  assert.equal(opt.Cast, undefined, `weight Casts were constant-folded: ${JSON.stringify(opt)}`);
  const cmp = await compareModels(float, q, randomDataset(float, 8), { samples: 8 });
  assert.ok(cmp.sqnrDb > 30, `SQNR ${cmp.sqnrDb}`);
});

test("dynamic --target wasm keeps residual Adds: the wasm SkipLayerNormalization kernel is not the slow one", async () => {
  const q = buildZooModel("bert-tiny");
  await prepareFloat(q);
  const r = await quantizeDynamic(q, dynamicConfig({ minElements: 256, target: "wasm" }));
  assert.equal(r.residualSums, 0);
  assert.equal(inspectModel(q).opTypes.Sum, undefined);
});

test("a model that stays below opset 11 is refused in one line instead of getting ops its opset lacks; with nothing to quantize it passes", async () => {
  const { createModel } = await import("../ir/builder.js");
  const { Tensor } = await import("../ir/tensor/tensor.js");
  // Opset 6 cannot be upgraded (broadcast attributes); a weight-only Conv would add Mul-6, which ONNX Runtime has no kernel for.
  const { model, builder: b } = createModel({ opset: 6, irVersion: 3 });
  const w = b.initializer("w", Tensor.fromArray(DataType.FLOAT, [16, 8, 3, 3], Float32Array.from({ length: 1152 }, (_, i) => Math.sin(i))));
  b.output(b.op("Conv", [b.input("x", DataType.FLOAT, [1, 8, 8, 8]), w]), "y");
  await prepareFloat(model);
  assert.equal(model.opset, 6);
  await assert.rejects(quantizeDynamic(model, dynamicConfig()), (e: Error) => e.name === "QuantaError" && /adds opset-11 ops .* the model uses opset 6/.test(e.message));
  const small = createModel({ opset: 6, irVersion: 3 });
  const w2 = small.builder.initializer("w", Tensor.fromArray(DataType.FLOAT, [2, 1, 3, 3], new Float32Array(18).fill(0.5)));
  small.builder.output(small.builder.op("Conv", [small.builder.input("x", DataType.FLOAT, [1, 1, 4, 4]), w2]), "y");
  const r = await quantizeDynamic(small.model, dynamicConfig());
  assert.equal(r.convs, 0, "an 18-element weight stays float: nothing added, nothing refused");
});
