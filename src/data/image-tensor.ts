// Turning decoded 8-bit pixels into the float32 tensor a vision model takes:
// x/255, then (x-mean)/std per output channel, laid out CHW or HWC. Colour → gray uses PIL's
// integer ITU-R 601 luma (what torchvision's Grayscale does), not sharp's linear-light gray, so
// gray inputs match models trained with PyTorch pipelines.

import { allocHost, type HostTensor } from "../runtime/host-tensor.js";
import type { ImageSettings } from "./image-settings.js";
import { fail } from "./data-error.js";

/** `pixels` is interleaved HWC with `srcChannels` of 1 (gray, replicated for colour) or 3 (RGB). */
export function imageTensor(pixels: Uint8Array, height: number, width: number, srcChannels: number, s: ImageSettings): HostTensor {
  if (srcChannels !== 1 && srcChannels !== 3) fail(`cannot use images with ${srcChannels} channels`);
  const c = s.channels;
  const dims = s.layout === "nchw" ? [c, height, width] : [height, width, c];
  const out = allocHost("float32", dims);
  const data = out.data as Float32Array;
  const hw = height * width;
  // Source channel for each output channel: BGR reverses RGB; gray sources feed every channel.
  const src = srcChannels === 1 || c === 1 ? [0, 0, 0] : s.color === "bgr" ? [2, 1, 0] : [0, 1, 2];
  if (c === 1 && srcChannels === 3) pixels = luma(pixels, hw);
  const step = c === 1 ? 1 : srcChannels;
  for (let ch = 0; ch < c; ch++) {
    const scale = 1 / (255 * s.std[ch]!);
    const shift = s.mean[ch]! / s.std[ch]!;
    const from = src[ch]!;
    for (let p = 0; p < hw; p++) {
      const v = pixels[p * step + from]! * scale - shift;
      data[s.layout === "nchw" ? ch * hw + p : p * c + ch] = v;
    }
  }
  return out;
}

/** PIL's "L" conversion: (R*19595 + G*38470 + B*7471 + 2^15) >> 16. */
function luma(rgb: Uint8Array, hw: number): Uint8Array {
  const out = new Uint8Array(hw);
  for (let p = 0; p < hw; p++) out[p] = (rgb[3 * p]! * 19595 + rgb[3 * p + 1]! * 38470 + rgb[3 * p + 2]! * 7471 + 0x8000) >> 16;
  return out;
}
