// `npm run bench -- web`: every ptq output in onnxruntime-web (wasm, 1 thread): does it load,
// does it agree with onnxruntime-node on the same inputs, and its latency against fp32 in wasm
// (interleaved, medians).

import { loadModel } from "../src/ir/serde/load.js";
import { randomDataset } from "../src/data/random-dataset.js";
import { openDataset } from "../src/data/open-dataset.js";
import { compareModels } from "../src/verify/compare.js";
import { planInputs, randomFeeds } from "../src/evaluate/random-inputs.js";
import { webRuntime } from "../src/runtime/web.js";
import { interleavedLatency } from "./interleaved.js";
import { VARIANTS, writeVariant, type PtqCase } from "./ptq.js";

export interface WebRow {
  model: string;
  variant: string;
  loads: boolean;
  /** SQNR of the web output against the node output of the same file (∞ = identical). */
  webVsNodeDb?: number;
  /** Top-1 agreement of web and node outputs where they are class scores. */
  webVsNodeTop1?: number;
  ratio1Web?: number;
  error?: string;
}


export async function webRows(c: PtqCase, dir: string, log: (s: string) => void): Promise<WebRow[]> {
  const web = await webRuntime();
  const paths: Record<string, string> = { fp32: c.path };
  for (const v of VARIANTS) paths[v.variant] = writeVariant(c, dir, v, log, "web-").path;
  const models = Object.fromEntries(Object.entries(paths).map(([k, p]) => [k, loadModel(p)]));
  const fp32 = models.fp32!;
  const dims = Object.fromEntries(Object.entries(c.dims).filter(([k]) => fp32.graph.inputs.some((v) => v.shape?.includes(k))));
  const ds = c.eval ? await openDataset(c.eval.data, c.eval.options) : randomDataset(fp32, 16, dims);
  const rows: WebRow[] = [];
  const loaded: { name: string; model: typeof fp32 }[] = [];
  for (const [variant, model] of Object.entries(models)) {
    log(`  ${c.name}: web vs node, ${variant}`);
    try {
      // The same file in both runtimes: node is the reference, web the candidate.
      const cmp = await compareModels(model, model, ds, { samples: 16, runtime: undefined, candidateRuntime: web });
      rows.push({ model: c.name, variant, loads: true, webVsNodeDb: cmp.sqnrDb, ...(cmp.top1Agreement !== undefined ? { webVsNodeTop1: cmp.top1Agreement } : {}) });
      loaded.push({ name: variant, model });
    } catch (e) {
      rows.push({ model: c.name, variant, loads: false, error: (e as Error).message.split("\n")[0]!.slice(0, 200) });
    }
  }
  const feeds = randomFeeds(fp32, planInputs(fp32, dims).inputs);
  const lat = await interleavedLatency(loaded, feeds, { threads: 1, runs: Math.min(c.runs, 50), runtime: web });
  for (const r of rows) if (r.loads && lat.fp32) r.ratio1Web = lat[r.variant]! / lat.fp32;
  return rows;
}
