import { test } from "node:test";
import assert from "node:assert/strict";
import { gradCheck } from "../testing/gradcheck.js";
import type { AttrInput } from "../../ir/attribute.js";

// ONNX Runtime has no float64 Conv: these use float32 finite differences. Conv is linear in x
// and in w separately, so central differences carry no truncation error, only rounding.
function convCase(x: number[], w: number[], attrs: Record<string, AttrInput>, bias = true) {
  return {
    tensors: { x: { dims: x }, w: { dims: w, initializer: true }, ...(bias ? { b: { dims: [w[0]!] } } : {}) },
    forward: (b: import("../../ir/builder.js").GraphBuilder, t: Record<string, import("../../ir/value.js").Value>) =>
      b.op("Conv", bias ? [t.x!, t.w!, t.b!] : [t.x!, t.w!], attrs),
  };
}

test("Conv 3x3, padded, with bias", async () => {
  const r = await gradCheck(convCase([2, 2, 5, 5], [3, 2, 3, 3], { pads: [1, 1, 1, 1] }));
  assert.equal(r.precision, "float32");
});

test("Conv with a stride that does not divide the padded input (output_padding, kernel slice)", async () => {
  await gradCheck(convCase([1, 2, 6, 7], [2, 2, 3, 3], { strides: [2, 3], pads: [1, 0, 0, 1] }));
});

test("Conv dilated and strided with asymmetric pads", async () => {
  await gradCheck(convCase([2, 1, 7, 6], [2, 1, 2, 3], { dilations: [2, 1], strides: [1, 2], pads: [0, 1, 2, 0] }));
});

test("grouped Conv (group 2, 2 channels per group)", async () => {
  await gradCheck(convCase([2, 4, 5, 4], [4, 2, 3, 2], { group: 2, pads: [1, 0, 1, 1] }));
});

test("depthwise Conv (group = channels, channel multiplier 2) with stride 2", async () => {
  await gradCheck(convCase([2, 3, 5, 5], [6, 1, 3, 3], { group: 3, strides: [2, 2], pads: [1, 1, 1, 1] }));
});

test("Conv with auto_pad SAME_UPPER and SAME_LOWER, no bias", async () => {
  await gradCheck(convCase([1, 2, 5, 6], [2, 2, 2, 3], { auto_pad: "SAME_UPPER", strides: [2, 2] }, false));
  await gradCheck(convCase([1, 2, 5, 6], [2, 2, 2, 3], { auto_pad: "SAME_LOWER" }, false));
});

test("1-D Conv", async () => {
  await gradCheck(convCase([2, 2, 9], [3, 2, 3], { strides: [2], dilations: [2], pads: [1, 2] }));
});

test("ConvTranspose with stride, pads, output_padding, dilation and groups", async () => {
  await gradCheck({
    tensors: { x: { dims: [2, 4, 3, 3] }, w: { dims: [4, 1, 3, 2] }, b: { dims: [2] } },
    forward: (b, t) => b.op("ConvTranspose", [t.x!, t.w!, t.b!], { strides: [2, 2], pads: [1, 0, 1, 1], output_padding: [1, 0], dilations: [1, 2], group: 2 }),
  });
});

test("ConvTranspose plain", async () => {
  await gradCheck({
    tensors: { x: { dims: [1, 2, 3, 4] }, w: { dims: [2, 3, 2, 2] } },
    forward: (b, t) => b.op("ConvTranspose", [t.x!, t.w!]),
  });
});

test("Conv with batch and spatial dims unknown until run time (Shape-based backward)", async () => {
  for (const attrs of [{ strides: [2, 3], pads: [1, 0, 0, 1] }, { group: 2, strides: [2, 2] }, { group: 4, pads: [1, 1, 1, 1] }]) {
    await gradCheck({
      tensors: { x: { dims: [2, 4, 6, 7], shape: ["n", 4, "h", "w"] }, w: { dims: [4, 4 / (attrs.group ?? 1), 3, 3] } },
      forward: (b, t) => b.op("Conv", [t.x!, t.w!], attrs),
    });
  }
});
