// Writing .onnx files, inline or with external data. Output goes to temporary files that are
// renamed into place only when complete, so a failed save never leaves a partial model.

import { closeSync, openSync, renameSync, rmSync, writeSync, fsyncSync, existsSync } from "node:fs";
import { basename, dirname, resolve, join } from "node:path";
import { encodeModel, pieceBytes } from "./encode.js";
import type { Model } from "../model.js";
import type { Tensor } from "../tensor/tensor.js";
import { QuantaError } from "../../errors.js";

export interface SaveOptions {
  /**
   * true: tensors of at least `sizeThreshold` bytes go to a side file; false: everything inline;
   * "auto" (default): external only when the model would pass protobuf's 2 GB limit.
   */
  externalData?: boolean | "auto";
  /** Side file name, relative to the model's folder (default "<model file>.data"). */
  location?: string;
  /** Tensors smaller than this stay inline (default 1024 bytes). */
  sizeThreshold?: number;
}

const PROTOBUF_LIMIT = 2 ** 31 - 1;
const ALIGN = 64;

export function saveModel(model: Model, path: string, opts: SaveOptions = {}): { bytes: number; externalBytes: number } {
  const full = resolve(path);
  const dir = dirname(full);
  if (!existsSync(dir)) throw new QuantaError(`cannot write ${path}: folder ${dir} does not exist`);
  const threshold = opts.sizeThreshold ?? 1024;
  const external = opts.externalData === true || (opts.externalData !== false && tensorBytes(model) > PROTOBUF_LIMIT - 64 * 2 ** 20);
  const location = opts.location ?? `${basename(full)}.data`;
  if (location.includes("/") || location.includes("\\") || location.startsWith(".")) {
    throw new QuantaError(`external data location "${location}" must be a plain file name in the model's folder`);
  }
  const tmpModel = join(dir, `.${basename(full)}.${process.pid}.tmp`);
  const tmpData = join(dir, `.${location}.${process.pid}.tmp`);
  let dataFd: number | undefined;
  let offset = 0;
  try {
    if (external) dataFd = openSync(tmpData, "w");
    const placeTensor = (_name: string, t: Tensor) => {
      if (dataFd === undefined || t.byteLength < threshold) return undefined;
      const pad = (ALIGN - (offset % ALIGN)) % ALIGN;
      if (pad) writeSync(dataFd, new Uint8Array(pad), 0, pad, offset), (offset += pad);
      const bytes = t.bytes();
      writeAll(dataFd, bytes, offset);
      const at = { location, offset, length: bytes.byteLength };
      offset += bytes.byteLength;
      return at;
    };
    const { pieces, length } = encodeModel(model, { placeTensor });
    if (length > PROTOBUF_LIMIT) {
      throw new QuantaError(`the model is ${(length / 2 ** 30).toFixed(2)} GB, over protobuf's 2 GB limit; save it with external data`);
    }
    const fd = openSync(tmpModel, "w");
    try {
      let pos = 0;
      for (const p of pieces) {
        const b = pieceBytes(p); // one large tensor in memory at a time
        writeAll(fd, b, pos);
        pos += b.byteLength;
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (dataFd !== undefined) {
      fsyncSync(dataFd);
      closeSync(dataFd);
      dataFd = undefined;
      renameSync(tmpData, join(dir, location));
    }
    renameSync(tmpModel, full);
    return { bytes: length, externalBytes: offset };
  } catch (e) {
    if (dataFd !== undefined) closeSync(dataFd);
    rmSync(tmpModel, { force: true });
    rmSync(tmpData, { force: true });
    throw e;
  }
}

/** The whole model as one inline buffer (external data read in), e.g. for a runtime session. */
export function serializeModel(model: Model): Uint8Array {
  const { pieces, length } = encodeModel(model);
  const out = new Uint8Array(length);
  let pos = 0;
  for (const p of pieces) {
    const b = pieceBytes(p);
    out.set(b, pos);
    pos += b.byteLength;
  }
  return out;
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done, position + done);
}

export function tensorBytes(model: Model): number {
  let n = 0;
  for (const v of model.graph.initializers.values()) n += v.initializer!.byteLength;
  for (const node of model.graph.allNodes()) for (const a of node.attributes.values()) if (a.type === "tensor") n += a.value.byteLength;
  return n;
}
