// Initializers that are also graph inputs. IR versions before 4 required every initializer to be
// listed as a graph input too (older PyTorch and Caffe2 exports keep doing it), and ONNX
// Runtime treats such weights as constants. Quantization treats them as weights as well; left
// as inputs, the float originals would stay in the file beside their quantized copies.

import type { Model } from "../ir/model.js";

export interface InitializerInputsResult {
  /** Names of the initializers no longer listed as graph inputs. */
  dropped: string[];
  /** The IR version before, when it was raised to 4 (the first that lets initializers not be inputs). */
  irVersionRaisedFrom?: number;
}

/** Stops listing initializers as graph inputs of the main graph; they stay initializers. */
export function dropInitializerInputs(model: Model): InitializerInputsResult {
  const g = model.graph;
  const dropped: string[] = [];
  for (let i = g.inputs.length - 1; i >= 0; i--) {
    const v = g.inputs[i]!;
    if (!v.initializer) continue;
    g.inputs.splice(i, 1);
    dropped.unshift(v.name);
  }
  const result: InitializerInputsResult = { dropped };
  if (dropped.length && model.irVersion < 4) {
    result.irVersionRaisedFrom = model.irVersion;
    model.irVersion = 4;
  }
  return result;
}
