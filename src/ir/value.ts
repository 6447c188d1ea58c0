// A value: produced by one node (or a graph input / initializer), used by any number of nodes.

import type { DataType } from "./dtype.js";
import type { Node } from "./node.js";
import type { Graph } from "./graph.js";
import type { Tensor } from "./tensor/tensor.js";

/** A dimension: a number, a symbolic name, or null when unknown. */
export type Dim = number | string | null;

export type ValueType =
  | { kind: "tensor"; dtype: DataType; shape?: Dim[] }
  /** Sequence, map, optional or sparse types: kept as serde read them. */
  | { kind: "other"; opaque: unknown };

export interface Use {
  readonly node: Node;
  readonly index: number;
}

export class Value {
  name: string;
  type: ValueType | undefined;
  /** The graph that defines this value (input, initializer or node output). */
  graph: Graph;
  producer: Node | null = null;
  producerIndex = -1;
  /** Constant data when the value is an initializer. */
  initializer: Tensor | undefined;
  docString = "";
  metadata: [string, string][] = [];
  private readonly _uses: Use[] = [];

  constructor(graph: Graph, name: string, type?: ValueType) {
    this.graph = graph;
    this.name = name;
    this.type = type;
  }

  get uses(): readonly Use[] {
    return this._uses;
  }

  /** Internal: kept in sync by Node. */
  addUse(node: Node, index: number): void {
    this._uses.push({ node, index });
  }

  removeUse(node: Node, index: number): void {
    const i = this._uses.findIndex((u) => u.node === node && u.index === index);
    if (i >= 0) this._uses.splice(i, 1);
  }

  get dtype(): DataType | undefined {
    return this.type?.kind === "tensor" ? this.type.dtype : undefined;
  }

  get shape(): Dim[] | undefined {
    return this.type?.kind === "tensor" ? this.type.shape : undefined;
  }

  get isGraphInput(): boolean {
    return this.graph.inputs.includes(this);
  }

  get isGraphOutput(): boolean {
    return this.graph.outputs.includes(this);
  }

  /** Rewires every use (and graph-output slot) of this value to `other`. */
  replaceAllUsesWith(other: Value): void {
    if (other === this) return;
    for (const u of [...this._uses]) u.node.setInput(u.index, other);
    const outs = this.graph.outputs;
    for (let i = 0; i < outs.length; i++) if (outs[i] === this) outs[i] = other;
  }

  toString(): string {
    return `%${this.name}`;
  }
}
