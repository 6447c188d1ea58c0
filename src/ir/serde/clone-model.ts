// A deep, independent copy of a model: through the wire format, so the copy shares no Value,
// Node or tensor with the original and is exactly what a save and reload would give.

import type { Model } from "../model.js";
import { parseModel } from "./load.js";
import { serializeModel } from "./save.js";

/** The copy keeps the original's baseDir, so external data it still refers to can be found. */
export function cloneModel(model: Model): Model {
  return parseModel(serializeModel(model), { baseDir: model.baseDir });
}
