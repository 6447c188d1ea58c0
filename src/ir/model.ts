// A model: the main graph plus the metadata and operator sets around it.

import { Graph } from "./graph.js";

export class Model {
  irVersion: number;
  /** Operator set version per domain ("" is the default ONNX domain). */
  readonly opsets = new Map<string, number>();
  producerName = "";
  producerVersion = "";
  domain = "";
  modelVersion = 0;
  docString = "";
  metadata: [string, string][] = [];
  graph: Graph;
  /** Model-local functions, training info and unknown fields: kept as serde read them. */
  opaque: { functions?: unknown[]; trainingInfo?: unknown[]; unknownFields?: unknown } = {};
  /** Folder the model was loaded from (external data is resolved against it). */
  baseDir: string | undefined;

  constructor(graph: Graph = new Graph(), opts: { irVersion?: number; opsets?: Record<string, number> } = {}) {
    this.graph = graph;
    this.irVersion = opts.irVersion ?? 10;
    for (const [d, v] of Object.entries(opts.opsets ?? { "": 17 })) this.opsets.set(d, v);
  }

  /** Opset version of the default ONNX domain. */
  get opset(): number {
    return this.opsets.get("") ?? this.opsets.get("ai.onnx") ?? 0;
  }
}
