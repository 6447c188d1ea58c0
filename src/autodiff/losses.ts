// Losses appended to a forward graph, built from ops that have gradient rules. Both are means
// over the batch, so the learning rate does not depend on the batch size.

import type { Graph } from "../ir/graph.js";
import type { Value } from "../ir/value.js";
import { GraphBuilder, renameValue } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";

export interface LossOptions {
  /** Name of the loss value (default "loss"; a fresh variant when taken). */
  name?: string;
}

/**
 * Mean softmax cross-entropy of `logits` [N, K] against int64 class `labels` [N]:
 * -mean_n log_softmax(logits)[n, labels[n]].
 */
export function addSoftmaxCrossEntropy(graph: Graph, logits: Value, labels: Value, opts: LossOptions = {}): Value {
  const b = new GraphBuilder(graph);
  const logProbs = b.op("LogSoftmax", [logits], { axis: 1 });
  // Reshape rather than Unsqueeze: the same node whatever the opset.
  const column = b.op("Reshape", [labels, b.ints([-1, 1], "loss_label_shape")]);
  const picked = b.op("GatherElements", [logProbs, column], { axis: 1 });
  const loss = b.op("Neg", [b.op("ReduceMean", [picked], { keepdims: 0 })]);
  return named(loss, logits, opts);
}

/** Mean squared error over every element of `pred` and `target` (same shape, or broadcastable). */
export function addMse(graph: Graph, pred: Value, target: Value, opts: LossOptions = {}): Value {
  const b = new GraphBuilder(graph);
  const diff = b.op("Sub", [pred, target]);
  return named(b.op("ReduceMean", [b.op("Mul", [diff, diff])], { keepdims: 0 }), pred, opts);
}

function named(loss: Value, like: Value, opts: LossOptions): Value {
  const names = loss.graph.names;
  const want = opts.name ?? "loss";
  if (!names.has(want)) renameValue(loss, want);
  loss.type = { kind: "tensor", dtype: like.dtype ?? DataType.FLOAT, shape: [] };
  return loss;
}
