// Embedding tables to int8 behind a DequantizeLinear after the lookup (see quantize-tables.ts);
// the float tables are left for the remove-unused step that follows.

import { definePass, type Pass } from "../../passes/pass.js";
import { quantizeTables, type TableOptions } from "../quantize-tables.js";

export function quantizeTablesPass(options: TableOptions, onResult: (r: { tables: number; inSubgraphs: number }) => void): Pass {
  return definePass("quantize-tables", (model) => {
    const r = quantizeTables(model.graph, options);
    onResult(r);
    return { model, modified: r.tables > 0 };
  });
}
