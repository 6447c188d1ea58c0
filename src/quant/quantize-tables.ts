// Embedding tables: large constant tables read through Gather (axis 0) or Slice, stored as int8
// and dequantized after the lookup, so only the gathered rows are ever converted at run time.
// Shared by dynamic and static quantization (Gather is not a QDQ group).

import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";
import { DataType } from "../ir/dtype.js";
import { renameFresh, renameValue } from "../ir/builder.js";
import { qtypeInfo, type QType } from "./qtype.js";
import { addQuantizedWeight, weightHome } from "./quantize-weight.js";
import { FLOAT_TWIN_KEY } from "./float-twin.js";

export interface TableOptions {
  qtype: QType;
  /** Smaller tables stay float (default 1024 elements). */
  minElements?: number;
  /** Also quantize tables inside If/Loop/Scan bodies. */
  subgraphs?: boolean;
}

/** Quantizes the tables of `g`; returns how many, and how many of them sit in subgraphs. Leaves the float tables for remove-unused. */
export function quantizeTables(g: Graph, o: TableOptions): { tables: number; inSubgraphs: number } {
  const res = { tables: 0, inSubgraphs: 0 };
  const minElements = o.minElements ?? 1024;
  for (const node of [...g.nodes]) {
    if (o.subgraphs) {
      for (const sub of node.subgraphs()) {
        const r = quantizeTables(sub, o);
        res.tables += r.tables;
        res.inSubgraphs += r.inSubgraphs;
      }
    }
    if (node.domain !== "" || (node.opType !== "Gather" && node.opType !== "Slice")) continue;
    const t = g.constantValue(node.input(0));
    if (!t || t.dtype !== DataType.FLOAT || t.size < minElements) continue;
    if (node.opType === "Gather" && node.getInt("axis", 0) !== 0 && t.dims.length > 1) continue;
    tableAfterMovement(g, node, o.qtype);
    res.tables++;
    if (g.ownerNode) res.inSubgraphs++;
  }
  return res;
}

/** One table stored as `qtype` (one scale), with a DequantizeLinear after the data movement. */
function tableAfterMovement(g: Graph, n: Node, qtype: QType): void {
  const tv = n.input(0)!;
  const t = g.constantValue(tv)!;
  const { values: wq, scale: s, zeroPoint: zp } = addQuantizedWeight(weightHome(g, tv), tv.name, t, null, { qtype, symmetric: qtype === "int8", name: tv.name });
  const info = qtypeInfo(qtype);
  n.setInput(0, wq);
  const y = n.output(0);
  const moved = g.createValue(`${y.name}_quantized`, y.type?.kind === "tensor" ? { ...y.type, dtype: info.dtype } : undefined);
  // The node now produces int8; a DequantizeLinear after it produces the float the readers expect.
  const dq = g.addNode("DequantizeLinear", [moved, s, zp], {}, { after: n, name: g.names.fresh(`${tv.name}_DequantizeLinear`) });
  dq.metadata.push([FLOAT_TWIN_KEY, y.name]);
  dq.output(0).type = y.type;
  swapOutput(n, y, moved, dq.output(0));
}

function swapOutput(n: Node, y: Value, moved: Value, out: Value): void {
  // n keeps producing into `moved`, a fresh value; `out` (the DQ output) replaces y everywhere.
  n.setOutput(n.outputs.indexOf(y), moved);
  y.replaceAllUsesWith(out);
  const name = y.name;
  renameFresh(y, `${name}_unused`);
  renameValue(out, name);
}
