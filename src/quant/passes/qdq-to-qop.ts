// QDQ groups → QLinear* operators (see qdq-to-qop.ts); the DequantizeLinear nodes it bypasses are
// left for the remove-unused step that follows it.

import { definePass, type Pass } from "../../passes/pass.js";
import { convertQdqToQop } from "../qdq-to-qop.js";
import type { StaticQuantState } from "./static-state.js";

export function qdqToQopPass(state: StaticQuantState): Pass {
  return definePass("qdq-to-qop", (model) => {
    state.qop = convertQdqToQop(model);
    return { model, modified: Object.keys(state.qop.converted).length > 0 };
  });
}
