// A node: one operator invocation with ordered inputs (null = omitted optional input),
// outputs it owns, and typed attributes.

import { Value } from "./value.js";
import type { Attribute } from "./attribute.js";
import type { Graph } from "./graph.js";

export class Node {
  opType: string;
  domain: string;
  name: string;
  overload = "";
  docString = "";
  metadata: [string, string][] = [];
  readonly attributes = new Map<string, Attribute>();
  graph: Graph | null = null;
  private readonly _inputs: (Value | null)[] = [];
  private readonly _outputs: Value[] = [];

  constructor(opType: string, domain = "", name = "") {
    this.opType = opType;
    this.domain = domain;
    this.name = name;
  }

  get inputs(): readonly (Value | null)[] {
    return this._inputs;
  }

  get outputs(): readonly Value[] {
    return this._outputs;
  }

  input(i: number): Value | null {
    return this._inputs[i] ?? null;
  }

  output(i = 0): Value {
    const v = this._outputs[i];
    if (!v) throw new Error(`${this.describe()} has no output ${i}`);
    return v;
  }

  setInput(i: number, v: Value | null): void {
    while (this._inputs.length <= i) this._inputs.push(null);
    const old = this._inputs[i];
    if (old === v) return;
    old?.removeUse(this, i);
    this._inputs[i] = v;
    v?.addUse(this, i);
  }

  appendInput(v: Value | null): void {
    this.setInput(this._inputs.length, v);
  }

  /** Drops trailing inputs from index `n` on. */
  truncateInputs(n: number): void {
    for (let i = this._inputs.length - 1; i >= n; i--) {
      this._inputs[i]?.removeUse(this, i);
      this._inputs.pop();
    }
  }

  /** Internal (Graph): attaches an output value to this node. */
  attachOutput(v: Value): void {
    v.producer = this;
    v.producerIndex = this._outputs.length;
    this._outputs.push(v);
  }

  /** Makes this node produce `v` as output `i`; the old output value is detached. */
  setOutput(i: number, v: Value): void {
    const old = this._outputs[i];
    if (!old) throw new Error(`${this.describe()} has no output ${i}`);
    old.producer = null;
    old.producerIndex = -1;
    v.producer = this;
    v.producerIndex = i;
    v.graph = this.graph ?? v.graph;
    this._outputs[i] = v;
  }

  /** Releases every input use, including those of nodes inside subgraphs. */
  detachInputs(): void {
    this.truncateInputs(0);
    for (const g of this.subgraphs()) for (const n of g.nodes) n.detachInputs();
  }

  subgraphs(): Graph[] {
    const out: Graph[] = [];
    for (const a of this.attributes.values()) {
      if (a.type === "graph") out.push(a.value);
      else if (a.type === "graphs") out.push(...a.value);
    }
    return out;
  }

  /** Values from enclosing scopes that nodes inside this node's subgraphs read. */
  implicitInputs(): Value[] {
    const out = new Set<Value>();
    const visit = (g: Graph): void => {
      for (const n of g.nodes) {
        for (const v of n.inputs) if (v && !isDefinedWithin(v, g)) out.add(v);
        for (const sub of n.subgraphs()) visit(sub);
      }
    };
    for (const g of this.subgraphs()) visit(g);
    return [...out].filter((v) => this.graph === null || v.graph === this.graph || isAncestor(v.graph, this.graph));
  }

  getAttribute(name: string): Attribute | undefined {
    return this.attributes.get(name);
  }

  getInt(name: string, fallback: number): number;
  getInt(name: string): number | undefined;
  getInt(name: string, fallback?: number): number | undefined {
    const a = this.attributes.get(name);
    return a?.type === "int" ? a.value : fallback;
  }

  getFloat(name: string, fallback: number): number;
  getFloat(name: string): number | undefined;
  getFloat(name: string, fallback?: number): number | undefined {
    const a = this.attributes.get(name);
    return a?.type === "float" ? a.value : a?.type === "int" ? a.value : fallback;
  }

  getInts(name: string, fallback: number[]): number[];
  getInts(name: string): number[] | undefined;
  getInts(name: string, fallback?: number[]): number[] | undefined {
    const a = this.attributes.get(name);
    return a?.type === "ints" ? a.value : fallback;
  }

  getFloats(name: string): number[] | undefined {
    const a = this.attributes.get(name);
    return a?.type === "floats" ? a.value : undefined;
  }

  getString(name: string, fallback: string): string;
  getString(name: string): string | undefined;
  getString(name: string, fallback?: string): string | undefined {
    const a = this.attributes.get(name);
    return a?.type === "string" ? a.value : fallback;
  }

  setAttribute(name: string, a: Attribute): void {
    this.attributes.set(name, a);
  }

  describe(): string {
    const d = this.domain ? `${this.domain}.` : "";
    return `${d}${this.opType} node "${this.name || this._outputs[0]?.name || "?"}"`;
  }
}

function isDefinedWithin(v: Value, g: Graph): boolean {
  let scope: Graph | null = v.graph;
  while (scope) {
    if (scope === g) return true;
    scope = scope.ownerNode?.graph ?? null;
  }
  return false;
}

function isAncestor(maybe: Graph, of: Graph): boolean {
  let scope: Graph | null = of.ownerNode?.graph ?? null;
  while (scope) {
    if (scope === maybe) return true;
    scope = scope.ownerNode?.graph ?? null;
  }
  return false;
}
