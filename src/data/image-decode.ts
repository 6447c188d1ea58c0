// Decoding (and resizing) images with sharp into 8-bit sRGB pixels: EXIF orientation applied,
// alpha dropped. Gray output is computed later from these (see image-tensor.ts).

import sharp from "sharp";
import { basename } from "node:path";
import type { ImageSettings } from "./image-settings.js";
import { fail, reason } from "./data-error.js";

export interface Pixels {
  readonly data: Uint8Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** Decodes an image file, or resizes raw pixels; gray inputs may stay one channel. */
export async function decodePixels(input: string | Pixels, s: ImageSettings): Promise<Pixels> {
  const label = typeof input === "string" ? basename(input) : "image";
  try {
    let img =
      typeof input === "string"
        ? sharp(input).autoOrient()
        : sharp(input.data, { raw: { width: input.width, height: input.height, channels: input.channels as 1 | 3 } });
    img = img.removeAlpha().toColourspace(typeof input === "string" ? "srgb" : input.channels === 1 ? "b-w" : "srgb");
    if (s.size) img = img.resize(s.size[1], s.size[0], { fit: "fill" });
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    return { data, height: info.height, width: info.width, channels: info.channels };
  } catch (e) {
    fail(`cannot decode ${label}: ${reason(e)}; check that it is a valid PNG/JPEG file`);
  }
}

/** Width and height from the header only (cheap), or an error naming the file. */
export async function imageSize(path: string): Promise<{ height: number; width: number }> {
  try {
    const m = await sharp(path).autoOrient().metadata();
    if (!m.width || !m.height) throw new Error("no dimensions in header");
    // autoOrient() in the pipeline swaps sides for EXIF orientations 5-8; the header does not.
    const swap = (m.orientation ?? 1) >= 5;
    return swap ? { height: m.width, width: m.height } : { height: m.height, width: m.width };
  } catch (e) {
    fail(`cannot read image ${basename(path)}: ${reason(e)}; check that it is a valid PNG/JPEG file`);
  }
}
