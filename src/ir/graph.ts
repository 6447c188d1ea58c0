// A graph: nodes in order, inputs, outputs, initializers. Subgraphs (If/Loop/Scan bodies) are
// Graphs owned by a node attribute; their nodes may read values of enclosing graphs directly.

import { Value, type ValueType } from "./value.js";
import { Node } from "./node.js";
import { NameAuthority } from "./names.js";
import { toAttribute, type AttrInput } from "./attribute.js";
import { Tensor } from "./tensor/tensor.js";
import { DataType } from "./dtype.js";

export interface AddNodeOptions {
  /** Output count or explicit output names (default 1). */
  outputs?: number | string[];
  domain?: string;
  name?: string;
  /** Insert before this node (default: append). */
  before?: Node;
  /** Insert after this node. */
  after?: Node;
}

export class Graph {
  name: string;
  docString = "";
  metadata: [string, string][] = [];
  readonly nodes: Node[] = [];
  readonly inputs: Value[] = [];
  readonly outputs: Value[] = [];
  /** Initializers by name, in file order. */
  readonly initializers = new Map<string, Value>();
  /** Value infos of intermediate values, as loaded; refreshed by shape inference. */
  ownerNode: Node | null = null;
  readonly names: NameAuthority;
  /** Parts of the graph the IR does not model (quantization annotations): serde keeps them. */
  opaque: { quantizationAnnotation?: unknown[] } = {};

  constructor(name = "graph", names: NameAuthority = new NameAuthority()) {
    this.name = name;
    this.names = names;
  }

  /** A subgraph sharing this graph's name authority; attach it to a node with attr.graph(). */
  createSubgraph(name: string): Graph {
    return new Graph(name, this.names);
  }

  /** A new value owned by this graph with a fresh name based on `base`. */
  createValue(base: string, type?: ValueType): Value {
    return new Value(this, this.names.fresh(base), type);
  }

  addInput(name: string, type?: ValueType): Value {
    const v = this.createValue(name, type);
    this.inputs.push(v);
    return v;
  }

  addInitializer(name: string, tensor: Tensor): Value {
    const v = this.createValue(name, { kind: "tensor", dtype: tensor.dtype, shape: [...tensor.dims] });
    v.initializer = tensor;
    this.initializers.set(v.name, v);
    return v;
  }

  removeInitializer(v: Value): void {
    if (v.uses.length) throw new Error(`initializer "${v.name}" still has ${v.uses.length} uses`);
    this.initializers.delete(v.name);
    const i = this.inputs.indexOf(v);
    if (i >= 0) this.inputs.splice(i, 1);
    v.initializer = undefined;
    this.names.release(v.name);
  }

  addOutput(v: Value): void {
    this.outputs.push(v);
  }

  /** Creates a node, wires its inputs, creates its outputs and inserts it. */
  /** Attributes given as undefined are left out (convenient for optional ones). */
  addNode(opType: string, inputs: readonly (Value | null)[], attributes: Record<string, AttrInput | undefined> = {}, opts: AddNodeOptions = {}): Node {
    const node = new Node(opType, opts.domain ?? "", opts.name ?? this.names.fresh(`${opType}_node`));
    inputs.forEach((v, i) => node.setInput(i, v));
    for (const [k, a] of Object.entries(attributes)) if (a !== undefined) node.setAttribute(k, toAttribute(k, a));
    const outs = opts.outputs ?? 1;
    const outNames = typeof outs === "number" ? Array.from({ length: outs }, (_, i) => `${node.name}_out${outs > 1 ? i : ""}`) : outs;
    for (const n of outNames) node.attachOutput(typeof outs === "number" ? this.createValue(n) : this.createValue(n));
    for (const g of node.subgraphs()) g.ownerNode = node;
    this.insertNode(node, opts);
    return node;
  }

  /** Inserts an already built node (its outputs must be owned by this graph). */
  insertNode(node: Node, where: { before?: Node; after?: Node } = {}): void {
    node.graph = this;
    for (const v of node.outputs) v.graph = this;
    for (const g of node.subgraphs()) g.ownerNode = node;
    if (where.before) this.nodes.splice(this.indexOf(where.before), 0, node);
    else if (where.after) this.nodes.splice(this.indexOf(where.after) + 1, 0, node);
    else this.nodes.push(node);
  }

  /** Removes a node whose outputs are no longer used (unless `force`). */
  removeNode(node: Node, force = false): void {
    if (!force) {
      for (const v of node.outputs) {
        if (v.uses.length || v.isGraphOutput) throw new Error(`cannot remove ${node.describe()}: output "${v.name}" is still used`);
      }
    }
    node.detachInputs();
    this.nodes.splice(this.indexOf(node), 1);
    node.graph = null;
  }

  indexOf(node: Node): number {
    const i = this.nodes.indexOf(node);
    if (i < 0) throw new Error(`${node.describe()} is not in graph "${this.name}"`);
    return i;
  }

  /** Every value defined in this graph: inputs, initializers, node outputs. */
  *values(): Iterable<Value> {
    const seen = new Set<Value>();
    for (const v of this.inputs) if (!seen.has(v)) (seen.add(v), yield v);
    for (const v of this.initializers.values()) if (!seen.has(v)) (seen.add(v), yield v);
    for (const n of this.nodes) for (const v of n.outputs) yield v;
  }

  findValue(name: string): Value | undefined {
    for (const v of this.values()) if (v.name === name) return v;
    return this.ownerNode?.graph?.findValue(name);
  }

  findNode(name: string): Node | undefined {
    return this.nodes.find((n) => n.name === name);
  }

  /** Nodes of this graph and, recursively, of all subgraphs. */
  *allNodes(): Iterable<Node> {
    for (const n of this.nodes) {
      yield n;
      for (const g of n.subgraphs()) yield* g.allNodes();
    }
  }

  /**
   * The constant data behind a value: an initializer (also one that is a graph input, as older
   * exporters write) or the output of a Constant node. Passes treat both the same.
   */
  constantValue(v: Value | null): Tensor | undefined {
    if (!v) return undefined;
    if (v.initializer) return v.initializer;
    const p = v.producer;
    if (p && p.opType === "Constant" && p.domain === "") return constantNodeTensor(p);
    return undefined;
  }
}

/** The tensor a Constant node produces, from whichever value_* attribute it has. */
export function constantNodeTensor(node: Node): Tensor | undefined {
  for (const [name, a] of node.attributes) {
    switch (name) {
      case "value":
        if (a.type === "tensor") return a.value;
        break;
      case "value_float":
        if (a.type === "float") return Tensor.fromArray(DataType.FLOAT, [], [a.value]);
        break;
      case "value_floats":
        if (a.type === "floats") return Tensor.fromArray(DataType.FLOAT, [a.value.length], a.value);
        break;
      case "value_int":
        if (a.type === "int") return Tensor.fromArray(DataType.INT64, [], [a.value]);
        break;
      case "value_ints":
        if (a.type === "ints") return Tensor.fromArray(DataType.INT64, [a.value.length], a.value);
        break;
    }
  }
  return undefined;
}
