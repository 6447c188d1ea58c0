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

// Stride 1 takes the flipped-kernel Conv for the input gradient. The weight gradient has four
// forms (conv-weight-grad.ts): the cases with 2-3 channels take concatenated windows; these with 8
// or more take shifted copies (stride 1), strided windows (1x1 with a stride) or one-hot Conv
// windows (strided); groups and the 7x8 kernel take the Conv form.
test("Conv stride 1, dilated, asymmetric pads (flipped-kernel input gradient)", async () => {
  await gradCheck(convCase([2, 2, 6, 7], [3, 2, 3, 2], { dilations: [2, 1], pads: [2, 0, 1, 1] }));
});

test("Conv with 8 channels, stride 1, 3x3 padded (weight gradient from shifted copies)", async () => {
  await gradCheck(convCase([2, 8, 5, 6], [3, 8, 3, 3], { pads: [1, 1, 1, 1] }));
});

test("Conv with 8 channels, stride 1, dilated with asymmetric pads larger than the kernel span", async () => {
  await gradCheck(convCase([1, 8, 6, 7], [2, 8, 2, 3], { dilations: [2, 1], pads: [0, 3, 2, 0] }));
});

test("1-D and 3-D Conv with 8 channels, stride 1", async () => {
  await gradCheck(convCase([2, 8, 7], [3, 8, 3], { dilations: [2], pads: [1, 2] }));
  await gradCheck(convCase([1, 8, 4, 3, 5], [2, 8, 2, 3, 2], { pads: [1, 0, 1, 0, 1, 0] }));
});

test("Conv with 16 channels on small maps, stride 1 (weight gradient channels first, one GEMM per leading tap)", async () => {
  await gradCheck(convCase([2, 16, 4, 5], [12, 16, 3, 3], { pads: [1, 1, 1, 1] }));
  await gradCheck(convCase([2, 16, 5, 4], [12, 16, 2, 3], { dilations: [2, 1], pads: [1, 2, 0, 0] }));
  await gradCheck(convCase([2, 16, 5], [12, 16, 3], { pads: [1, 1] }));
  await gradCheck(convCase([1, 16, 3, 2, 3], [12, 16, 2, 2, 2], { pads: [1, 0, 1, 0, 1, 0] }));
  await gradCheck({
    tensors: { x: { dims: [2, 16, 4, 5], shape: ["n", 16, 4, 5] }, w: { dims: [12, 16, 3, 3] } },
    forward: (b, t) => b.op("Conv", [t.x!, t.w!], { pads: [1, 1, 1, 1] }),
  });
});

test("Conv with 8 channels and strides (windows by a one-hot grouped Conv; 1x1: strided windows)", async () => {
  await gradCheck(convCase([2, 8, 6, 7], [3, 8, 3, 3], { strides: [2, 3], pads: [1, 0, 0, 1] }));
  await gradCheck(convCase([2, 8, 5, 6], [4, 8, 1, 1], { strides: [2, 2] }));
});

test("Conv with a 7x8 kernel (more taps than the per-tap forms take: Conv form)", async () => {
  await gradCheck(convCase([1, 8, 9, 9], [2, 8, 7, 8], { pads: [1, 1, 1, 1] }));
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

test("ConvTranspose with 8 output channels, stride 1 and stride 2 (per-tap weight gradient, roles swapped)", async () => {
  for (const attrs of [{ pads: [1, 0, 0, 1] }, { strides: [2, 2], pads: [1, 1, 0, 0], output_padding: [1, 0] }]) {
    await gradCheck({
      tensors: { x: { dims: [2, 3, 3, 4] }, w: { dims: [3, 8, 3, 2] } },
      forward: (b, t) => b.op("ConvTranspose", [t.x!, t.w!], attrs),
    });
  }
});

test("Conv with batch and spatial dims unknown until run time (Shape-based backward)", async () => {
  for (const attrs of [{ pads: [1, 1, 1, 1] }, { strides: [2, 3], pads: [1, 0, 0, 1] }]) {
    await gradCheck({
      tensors: { x: { dims: [2, 8, 6, 7], shape: ["n", 8, "h", "w"] }, w: { dims: [3, 8, 3, 3] } },
      forward: (b, t) => b.op("Conv", [t.x!, t.w!], attrs),
    });
  }
  for (const attrs of [{ strides: [2, 3], pads: [1, 0, 0, 1] }, { group: 2, strides: [2, 2] }, { group: 4, pads: [1, 1, 1, 1] }]) {
    await gradCheck({
      tensors: { x: { dims: [2, 4, 6, 7], shape: ["n", 4, "h", "w"] }, w: { dims: [4, 4 / (attrs.group ?? 1), 3, 3] } },
      forward: (b, t) => b.op("Conv", [t.x!, t.w!], attrs),
    });
  }
});
