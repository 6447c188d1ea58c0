// What `quanta inspect` reports about a model: structure, parameters and bytes, no execution.

import { statSync } from "node:fs";
import type { Model } from "../ir/model.js";
import type { Value } from "../ir/value.js";
import type { Tensor } from "../ir/tensor/tensor.js";
import { DataType, dtypeName } from "../ir/dtype.js";
import { constantNodeTensor } from "../ir/graph.js";

export interface IOReport {
  name: string;
  dtype: string;
  shape: (number | string | null)[] | null;
}

export interface InspectReport {
  file?: string;
  fileBytes?: number;
  irVersion: number;
  producer: string;
  opsets: Record<string, number>;
  inputs: IOReport[];
  outputs: IOReport[];
  /** Nodes in the main graph and all subgraphs. */
  nodeCount: number;
  opTypes: Record<string, number>;
  /** Elements of all initializers and Constant tensors except int64 ones (shapes, indices). */
  parameters: number;
  /** Bytes of initializer and Constant tensor data by element type. */
  bytesByDtype: Record<string, number>;
  externalDataFiles: string[];
}

export function inspectModel(model: Model, file?: string): InspectReport {
  const g = model.graph;
  const opTypes: Record<string, number> = {};
  let nodeCount = 0;
  const tensors: Tensor[] = [...g.initializers.values()].map((v) => v.initializer!);
  for (const n of g.allNodes()) {
    nodeCount++;
    const key = n.domain && n.domain !== "ai.onnx" ? `${n.domain}.${n.opType}` : n.opType;
    opTypes[key] = (opTypes[key] ?? 0) + 1;
    if (n.opType === "Constant" && n.domain === "") {
      const t = constantNodeTensor(n);
      if (t) tensors.push(t);
    }
  }
  for (const sub of subgraphsOf(model)) for (const v of sub.initializers.values()) tensors.push(v.initializer!);
  let parameters = 0;
  const bytesByDtype: Record<string, number> = {};
  const external = new Set<string>();
  for (const t of tensors) {
    if (t.dtype !== DataType.INT64) parameters += t.size;
    const k = dtypeName(t.dtype);
    bytesByDtype[k] = (bytesByDtype[k] ?? 0) + t.byteLength;
    if (t.externalLocation) external.add(t.externalLocation.file);
  }
  let fileBytes: number | undefined;
  if (file) {
    fileBytes = statSync(file).size;
    for (const f of external) fileBytes += statSync(f).size;
  }
  return {
    ...(file ? { file, fileBytes } : {}),
    irVersion: model.irVersion,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(" "),
    opsets: Object.fromEntries([...model.opsets].map(([d, v]) => [d || "ai.onnx", v])),
    inputs: g.inputs.filter((v) => !v.initializer).map(io),
    outputs: g.outputs.map(io),
    nodeCount,
    opTypes: Object.fromEntries(Object.entries(opTypes).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
    parameters,
    bytesByDtype,
    externalDataFiles: [...external],
  };
}

function io(v: Value): IOReport {
  return {
    name: v.name,
    dtype: v.dtype !== undefined ? dtypeName(v.dtype) : v.type ? "non-tensor" : "unknown",
    shape: v.shape ? [...v.shape] : null,
  };
}

function* subgraphsOf(model: Model) {
  for (const n of model.graph.allNodes()) yield* n.subgraphs();
}
