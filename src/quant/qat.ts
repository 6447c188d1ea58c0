// Quantization-aware training (W8A8), end to end on the IR:
//  1. prepare the float model as static does (BatchNorm folded into Conv weights first, so
//     training updates the folded weights export quantizes);
//  2. on a copy, plan and calibrate as static does and insert fake quantization there
//     (fakeQuantPipeline), then fine-tune that graph with the training engine;
//  3. write the fine-tuned float weights into the prepared model and materialize it through the
//     static steps with the activation parameters training used (qatExportPipeline).
// The model passed in becomes the int8 model, like quantizeStatic's.

import type { Model } from "../ir/model.js";
import type { Dataset } from "../data/dataset.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { cloneModel } from "../ir/serde/clone-model.js";
import { runPasses, type PassRecord } from "../passes/pass.js";
import { checkRequiredInputs } from "../ops/required-inputs.js";
import { QuantaError } from "../errors.js";
import { train, type TrainOptions, type TrainResult } from "../train/trainer.js";
import { trainableParams } from "../train/trainable-params.js";
import type { CalibrationOptions } from "./calibrate.js";
import type { StaticQuantConfig } from "./config.js";
import { fakeQuantPipeline, qatExportPipeline } from "./pipelines.js";
import { prepareFloat, type StaticQuantReport } from "./static.js";
import { required, staticState, type CalibrationSummary } from "./passes/static-state.js";
import type { FakeQuantReport } from "./passes/insert-fake-quant.js";

export interface QatOptions {
  config: StaticQuantConfig;
  /** Initial activation ranges: the static quantizer's calibration on the training data. */
  calibration: Omit<CalibrationOptions, "symmetric" | "runtime">;
  /** The fine-tuning run (params are chosen here: the planned weights and the other float weights, never scales). */
  train: Omit<TrainOptions, "params">;
  /** Calibrate the fine-tuned model again for export instead of keeping the ranges training used. */
  recalibrate?: boolean;
}

export interface QatReport extends Omit<StaticQuantReport, "calibration"> {
  /** Calibration of the initial activation ranges (before training). */
  calibration: CalibrationSummary;
  /** Calibration for export, with --recalibrate. */
  recalibration?: CalibrationSummary;
  train: Omit<TrainResult, "model">;
  /** The fake-quantized training graph with the fine-tuned weights (an inference model). */
  fakeQuant: Model;
  trained: string[];
  frozen: string[];
  trainPasses: PassRecord[];
}

export async function quantizeQat(model: Model, data: Dataset, opts: QatOptions): Promise<QatReport> {
  checkRequiredInputs(model);
  const { records: prepRecords, fusion, upgrade } = await prepareFloat(model);

  // The training graph, on a copy of the prepared model.
  const fq = cloneModel(model);
  const trainState = staticState(opts.config);
  trainState.upgrade = upgrade;
  const calibration: CalibrationOptions = { ...opts.calibration, symmetric: opts.config.symmetricActivations };
  let fake: FakeQuantReport | undefined;
  const { records: fqRecords } = await runPasses(fq, fakeQuantPipeline(trainState, { data, calibration, onReport: (r) => (fake = r) }));
  const report = required(fake, "fake-quant report", "qat");
  if (report.weights.length === 0) throw new QuantaError("nothing to train with fake quantization: the plan quantizes no Conv/Gemm/MatMul weight", 2);

  const logits = opts.train.loss?.output ?? fq.graph.outputs[0]?.name;
  const out = fq.graph.outputs.find((v) => v.name === logits);
  if (!out) throw new QuantaError(`the model has no output "${logits}" to train`, 2);
  const params = trainableParams(fq.graph, out, new Set(report.frozen));
  const r = await train(fq, data, { ...opts.train, params });

  // Export: the fine-tuned float weights, in the prepared float model, through the static steps.
  for (const name of params) {
    const v = model.graph.initializers.get(name);
    const t = r.model.graph.initializers.get(name)?.initializer;
    if (!v || !t) throw new Error(`qat: trained weight "${name}" is missing from the prepared model`);
    v.initializer = Tensor.fromArray(t.dtype, t.dims, Float32Array.from(t.toFloat32()));
  }
  const state = staticState(opts.config);
  state.upgrade = upgrade;
  const { records } = await runPasses(model, qatExportPipeline(state, { activations: report.activations, ...(opts.recalibrate ? { recalibrate: { data, calibration } } : {}) }));

  const plan = required(state.plan, "plan", "qat");
  const quantizedNodes: Record<string, number> = {};
  for (const n of plan.quantizedNodes) quantizedNodes[n.opType] = (quantizedNodes[n.opType] ?? 0) + 1;
  const { model: fakeQuant, ...trainReport } = r;
  return {
    passes: [...prepRecords, ...records],
    trainPasses: fqRecords,
    fusion,
    quantizedNodes,
    skipped: plan.skipped,
    calibration: required(trainState.calibration, "calibration", "qat"),
    ...(opts.recalibrate ? { recalibration: required(state.calibration, "calibration", "qat") } : {}),
    materialized: required(state.materialized, "materialized", "qat"),
    upgrade,
    warnings: [...trainState.warnings, ...r.warnings],
    leftInSubgraphs: trainState.leftInSubgraphs,
    ...(state.qop ? { qop: state.qop } : {}),
    train: trainReport,
    fakeQuant,
    trained: params,
    frozen: report.frozen,
  };
}
