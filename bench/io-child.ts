// Child process for the I/O benchmark: one load and one save of a model, so peak RSS is this
// work's alone. Prints one JSON line.

import { loadModel } from "../src/ir/serde/load.js";
import { saveModel } from "../src/ir/serde/save.js";
import { peakRssBytes } from "../src/evaluate/peak-rss.js";

const [src, dst, mode] = process.argv.slice(2) as [string, string, string];
const t0 = performance.now();
const model = loadModel(src);
const loadMs = performance.now() - t0;
const t1 = performance.now();
saveModel(model, dst, { externalData: mode === "external" });
const saveMs = performance.now() - t1;
process.stdout.write(JSON.stringify({ loadMs, saveMs, peakRssBytes: peakRssBytes() }) + "\n");
