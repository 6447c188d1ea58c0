// Turning decoded 8-bit pixels into the float32 tensor a vision model takes:
// x/255, then (x-mean)/std per output channel, laid out CHW or HWC.

import { allocHost, type HostTensor } from "../runtime/host-tensor.js";
import type { ImageSettings } from "./image-settings.js";
import { fail } from "./data-error.js";

/**
 * `pixels` is interleaved HWC with `srcChannels` of 1 (gray) or 3 (RGB). Gray is replicated when
 * color output is wanted; RGB must already be gray when gray is wanted (the decoder does that).
 */
export function imageTensor(pixels: Uint8Array, height: number, width: number, srcChannels: number, s: ImageSettings): HostTensor {
  if (srcChannels !== 1 && srcChannels !== 3) fail(`cannot use images with ${srcChannels} channels`);
  if (s.channels === 1 && srcChannels !== 1) fail("internal: gray output needs gray pixels");
  const c = s.channels;
  const dims = s.layout === "nchw" ? [c, height, width] : [height, width, c];
  const out = allocHost("float32", dims);
  const data = out.data as Float32Array;
  const hw = height * width;
  // Source channel for each output channel: BGR reverses RGB; gray sources feed every channel.
  const src = srcChannels === 1 ? [0, 0, 0] : s.color === "bgr" ? [2, 1, 0] : [0, 1, 2];
  for (let ch = 0; ch < c; ch++) {
    const scale = 1 / (255 * s.std[ch]!);
    const shift = s.mean[ch]! / s.std[ch]!;
    const from = src[ch]!;
    for (let p = 0; p < hw; p++) {
      const v = pixels[p * srcChannels + from]! * scale - shift;
      data[s.layout === "nchw" ? ch * hw + p : p * c + ch] = v;
    }
  }
  return out;
}
