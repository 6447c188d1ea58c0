// Validated image preprocessing settings, shared by idx files and image folders, so both
// normalize pixels the same way and report bad options before any image is decoded.

import type { DataOptions } from "./dataset.js";
import { fail } from "./data-error.js";

export interface ImageSettings {
  readonly color: "rgb" | "bgr" | "gray";
  readonly layout: "nchw" | "nhwc";
  readonly channels: 1 | 3;
  /** One value per output channel (a single given value is repeated). */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly size?: readonly [number, number];
}

export function imageSettings(options: DataOptions, defaultColor: "rgb" | "gray"): ImageSettings {
  const color = options.color ?? defaultColor;
  if (!["rgb", "bgr", "gray"].includes(color)) fail(`unknown color '${color}': use rgb, bgr or gray`);
  const layout = options.layout ?? "nchw";
  if (layout !== "nchw" && layout !== "nhwc") fail(`unknown layout '${layout}': use nchw or nhwc`);
  const channels = color === "gray" ? 1 : 3;
  const mean = perChannel("mean", options.mean ?? [0], channels, color);
  const std = perChannel("std", options.std ?? [1], channels, color);
  if (std.some((s) => s === 0)) fail("std must not contain 0 (it divides the pixels)");
  const size = options.size;
  if (size !== undefined) {
    if (size.length !== 2 || !size.every((d) => Number.isInteger(d) && d > 0)) {
      fail(`size must be two positive integers [height, width], got [${size}]`);
    }
  }
  return { color, layout, channels, mean, std, ...(size ? { size: [size[0], size[1]] as const } : {}) };
}

function perChannel(what: string, values: readonly number[], channels: number, color: string): number[] {
  if (!values.every((v) => Number.isFinite(v))) fail(`${what} must be numbers, got [${values}]`);
  if (values.length === 1) return new Array<number>(channels).fill(values[0]!);
  if (values.length !== channels) {
    const plural = channels > 1 ? "s" : "";
    fail(`${what} has ${values.length} values but ${color} images have ${channels} channel${plural}: give ${channels > 1 ? `1 or ${channels} values` : "1 value"}`);
  }
  return [...values];
}
