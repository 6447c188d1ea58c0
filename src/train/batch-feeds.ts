// Turning dataset samples into step-graph feeds: the model's data inputs bound and conformed
// as for inference, plus the target (labels as int64, or a float "target" array for MSE).

import type { Dataset } from "../data/dataset.js";
import { collate } from "../data/batches.js";
import { bindInputs } from "../data/bind-inputs.js";
import type { HostTensor } from "../runtime/host-tensor.js";
import type { Value } from "../ir/value.js";
import type { Node } from "../ir/node.js";
import { conformFeeds } from "../evaluate/conform.js";
import { QuantaError } from "../errors.js";
import type { StepGraph } from "./step-graph.js";

export type Feeds = Record<string, HostTensor>;
export type BatchLoader = (indices: readonly number[]) => Promise<Feeds>;

export function batchLoader(ds: Dataset, step: Pick<StepGraph, "dataInputs" | "target" | "loss" | "model" | "classes">): BatchLoader {
  const classify = step.loss.kind === "cross-entropy";
  if (classify && !ds.hasLabels) throw new QuantaError(`${ds.description} has no labels; cross-entropy training needs them (for idx images pass --labels <labels file>)`);
  // MSE reads its target from the data like any other input, under the target input's name.
  const bind = bindInputs(ds, classify ? step.dataInputs : [...step.dataInputs, step.target]);
  const inputs: Value[] = step.model.graph.inputs;
  const limits = embeddingRows(step.model.graph.nodes, step.dataInputs);
  return async (indices) => {
    const samples = await Promise.all(indices.map((i) => ds.get(i)));
    const batch = collate(ds, samples, [...indices]);
    const feeds = conformFeeds(bind(batch.inputs), inputs, indices.length, false);
    for (const [name, rows] of limits) checkIndices(feeds[name], name, rows, ds, indices);
    if (classify) {
      const labels = batch.labels!;
      // Out-of-range labels would surface as an opaque GatherElements error inside ONNX Runtime.
      const bad = labels.findIndex((l) => l < 0 || (step.classes !== null && l >= step.classes));
      if (bad >= 0) throw new QuantaError(`sample ${indices[bad]} of ${ds.description} has label ${labels[bad]}, outside the model's ${step.classes} classes`);
      feeds[step.target] = { type: "int64", dims: [indices.length], data: BigInt64Array.from(labels, (l) => BigInt(l)) };
    }
    return feeds;
  };
}

/** Data inputs used as Gather indices into a table of known size (token ids into an embedding). */
function embeddingRows(nodes: readonly Node[], dataInputs: readonly string[]): Map<string, number> {
  const rows = new Map<string, number>();
  for (const n of nodes) {
    const idx = n.inputs[1];
    if (n.opType !== "Gather" || n.domain !== "" || !idx || !dataInputs.includes(idx.name)) continue;
    const shape = n.inputs[0]?.shape;
    const axis = n.getInt("axis", 0)!;
    const d = shape?.[axis < 0 ? axis + shape.length : axis];
    if (typeof d === "number") rows.set(idx.name, Math.min(d, rows.get(idx.name) ?? d));
  }
  return rows;
}

// An id past the table would surface as an ONNX Runtime Gather bounds error naming no sample.
function checkIndices(t: HostTensor | undefined, name: string, rows: number, ds: Dataset, indices: readonly number[]): void {
  if (!t || !(t.data instanceof BigInt64Array)) return;
  const per = t.data.length / indices.length;
  const bad = t.data.findIndex((v) => v < 0n || v >= BigInt(rows));
  if (bad < 0) return;
  throw new QuantaError(
    `sample ${indices[Math.floor(bad / per)]} of ${ds.description} has ${name} ${t.data[bad]}, past the model's ${rows}-row embedding table: ` +
      "the vocabulary does not match the model (use the one it was built or trained with)",
  );
}
