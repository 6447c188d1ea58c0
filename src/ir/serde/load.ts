// Reading .onnx files: every way a file can be wrong ends in a one-line QuantaError.

import { readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fromBinary } from "@bufbuild/protobuf";
import { ModelProtoSchema, type ModelProto } from "./gen/onnx/onnx_pb.js";
import { modelFromProto } from "./read.js";
import type { Model } from "../model.js";
import { QuantaError } from "../../errors.js";

export function loadModel(path: string): Model {
  const full = resolve(path);
  let size: number;
  try {
    const st = statSync(full);
    if (st.isDirectory()) throw new QuantaError(`${path} is a directory; pass the path of an .onnx file`);
    size = st.size;
  } catch (e) {
    if (e instanceof QuantaError) throw e;
    throw new QuantaError(`${path}: no such file`);
  }
  if (size === 0) throw new QuantaError(`${path} is empty; it is not an ONNX model`);
  return parseModel(readFileSync(full), { baseDir: dirname(full), label: path });
}

/** Decodes model bytes; `baseDir` lets external data be found. */
export function parseModel(bytes: Uint8Array, opts: { baseDir?: string; label?: string } = {}): Model {
  const label = opts.label ?? "model";
  let proto: ModelProto;
  try {
    proto = fromBinary(ModelProtoSchema, bytes, { readUnknownFields: true });
  } catch (e) {
    throw new QuantaError(`${label} is not a valid ONNX file (${(e as Error).message}); it may be truncated or not a model at all`);
  }
  checkPlausible(proto, label);
  try {
    return modelFromProto(proto, { baseDir: opts.baseDir });
  } catch (e) {
    if (e instanceof QuantaError) throw new QuantaError(`${label}: ${e.message}`);
    throw new QuantaError(`${label} is not a valid ONNX model (${(e as Error).message})`);
  }
}

/** Newest IR version ONNX Runtime 1.30 opens (quanta's own proto knows 11; newer fields are kept as read). */
export const MAX_IR_VERSION = 13;

// Protobuf decodes many random byte strings "successfully"; a real model has these.
function checkPlausible(p: ModelProto, label: string): void {
  const ir = Number(p.irVersion);
  if (!p.graph || ir < 1) {
    throw new QuantaError(`${label} is not an ONNX model (${p.graph ? "no IR version" : "no graph"}); check that the file is a complete .onnx export`);
  }
  if (ir > MAX_IR_VERSION) {
    throw new QuantaError(`${label} has IR version ${p.irVersion}, which is not supported (quanta and ONNX Runtime 1.30 read IR versions 1 to ${MAX_IR_VERSION}); re-export the model with an older ONNX exporter, or check that the file is not damaged`);
  }
  if (ir >= 3 && p.opsetImport.length === 0) {
    throw new QuantaError(`${label} is not a valid ONNX model: it imports no operator set`);
  }
}
