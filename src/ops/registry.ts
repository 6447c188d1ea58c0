// The one explicit index of per-op knowledge. An op quanta handles is listed here or nowhere.

import type { OpDef } from "./schema.js";
import { canonicalDomain, opKey } from "./op-key.js";
import { unaryOps } from "./unary.js";
import { binaryOps } from "./binary.js";
import { castOps } from "./cast.js";
import { convOps } from "./conv.js";
import { poolOps } from "./pool.js";
import { matmulOps } from "./matmul.js";
import { einsumOps } from "./einsum.js";
import { normalizationOps } from "./normalization.js";
import { reduceOps } from "./reduce.js";
import { reshapeOps } from "./reshape.js";
import { squeezeOps } from "./squeeze.js";
import { transposeOps } from "./transpose.js";
import { expandOps } from "./expand.js";
import { concatOps } from "./concat.js";
import { splitOps } from "./split.js";
import { sliceOps } from "./slice.js";
import { gatherOps } from "./gather.js";
import { padOps } from "./pad.js";
import { resizeOps } from "./resize.js";
import { shapeOps } from "./shape.js";
import { generatorOps } from "./generators.js";
import { topkOps } from "./topk.js";
import { dataDependentOps } from "./data-dependent.js";
import { quantizeOps } from "./quantize.js";
import { controlFlowOps } from "./control-flow.js";
import { microsoftOps } from "./microsoft.js";

const ALL: readonly OpDef[] = [
  ...unaryOps,
  ...binaryOps,
  ...castOps,
  ...convOps,
  ...poolOps,
  ...matmulOps,
  ...einsumOps,
  ...normalizationOps,
  ...reduceOps,
  ...reshapeOps,
  ...squeezeOps,
  ...transposeOps,
  ...expandOps,
  ...concatOps,
  ...splitOps,
  ...sliceOps,
  ...gatherOps,
  ...padOps,
  ...resizeOps,
  ...shapeOps,
  ...generatorOps,
  ...topkOps,
  ...dataDependentOps,
  ...quantizeOps,
  ...controlFlowOps,
  ...microsoftOps,
];

const BY_KEY = new Map<string, OpDef>();
for (const def of ALL) {
  const k = opKey(def.opType, def.domain);
  if (BY_KEY.has(k)) throw new Error(`op ${k} is registered twice`);
  BY_KEY.set(k, def);
}

export { canonicalDomain };

export function lookupOp(opType: string, domain = ""): OpDef | undefined {
  return BY_KEY.get(opKey(opType, domain));
}

export function registeredOps(): readonly OpDef[] {
  return ALL;
}

/** The opset version a node of `domain` runs under in a model with these imports. */
export function opsetFor(opsets: ReadonlyMap<string, number>, domain: string): number {
  const d = canonicalDomain(domain);
  return opsets.get(d) ?? (d === "" ? opsets.get("ai.onnx") : undefined) ?? 1;
}
