// torchvision's ResNet with BasicBlocks (ResNet-18/34 family), laid out as torch.onnx exports
// it in inference mode: Conv without bias, BatchNormalization with its running statistics
// (not folded), GlobalAveragePool, Flatten, Gemm. Weight names follow torchvision's state dict.

import type { GraphBuilder } from "../ir/builder.js";
import type { Model } from "../ir/model.js";
import type { Value } from "../ir/value.js";
import { DataType } from "../ir/dtype.js";
import type { Params } from "./params.js";
import { batchNormInit, heNormal, linearUniform } from "./init.js";
import { assemble, type BuildOptions } from "./assemble.js";

export interface ResNetConfig {
  /** BasicBlocks per stage. */
  blocks: number[];
  /** Channels per stage; the stem has widths[0]. */
  widths: number[];
  /** Height and width of the square input image. */
  inputSize: number;
  classes: number;
  inChannels: number;
  /** "imagenet": 7x7/2 conv + 3x3/2 max pool (torchvision); "small": one 3x3/1 conv, for 28-32 px images. */
  stem?: "imagenet" | "small";
}

export const RESNET18: ResNetConfig = { blocks: [2, 2, 2, 2], widths: [64, 128, 256, 512], inputSize: 224, classes: 1000, inChannels: 3 };

export function buildResNet(cfg: Partial<ResNetConfig> = {}, opts: BuildOptions = {}): Model {
  return assemble("resnet", defineResNet, { ...RESNET18, ...cfg }, opts).model;
}

export function defineResNet(b: GraphBuilder, p: Params, cfg: ResNetConfig): void {
  if (cfg.blocks.length !== cfg.widths.length) throw new Error(`resnet: ${cfg.blocks.length} stages of blocks but ${cfg.widths.length} widths`);
  const input = b.input("input", DataType.FLOAT, ["batch", cfg.inChannels, cfg.inputSize, cfg.inputSize]);
  const stem = cfg.widths[0]!;
  const small = cfg.stem === "small";
  let x = conv(b, p, input, "conv1", cfg.inChannels, stem, small ? 3 : 7, small ? 1 : 2);
  x = b.op("Relu", [batchNorm(b, p, x, "bn1", stem)]);
  if (!small) x = b.op("MaxPool", [x], { ceil_mode: 0, dilations: [1, 1], kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] });
  let channels = stem;
  cfg.widths.forEach((width, s) => {
    for (let i = 0; i < cfg.blocks[s]!; i++) {
      const stride = s > 0 && i === 0 ? 2 : 1;
      x = basicBlock(b, p, x, `layer${s + 1}.${i}`, channels, width, stride);
      channels = width;
    }
  });
  x = b.op("GlobalAveragePool", [x]);
  x = b.op("Flatten", [x], { axis: 1 });
  const w = p.add("fc.weight", [cfg.classes, channels], linearUniform(channels));
  const bias = p.add("fc.bias", [cfg.classes], linearUniform(channels));
  const logits = b.op("Gemm", [x, w, bias], { alpha: 1, beta: 1, transB: 1 });
  logits.type = { kind: "tensor", dtype: DataType.FLOAT, shape: ["batch", cfg.classes] };
  b.output(logits, "logits");
}

function basicBlock(b: GraphBuilder, p: Params, x: Value, name: string, cin: number, cout: number, stride: number): Value {
  let out = conv(b, p, x, `${name}.conv1`, cin, cout, 3, stride);
  out = b.op("Relu", [batchNorm(b, p, out, `${name}.bn1`, cout)]);
  out = batchNorm(b, p, conv(b, p, out, `${name}.conv2`, cout, cout, 3, 1), `${name}.bn2`, cout, batchNormInit.residualGamma);
  // torchvision adds a 1x1 projection whenever the shape changes.
  const identity =
    stride !== 1 || cin !== cout
      ? batchNorm(b, p, conv(b, p, x, `${name}.downsample.0`, cin, cout, 1, stride), `${name}.downsample.1`, cout)
      : x;
  return b.op("Relu", [b.op("Add", [out, identity])]);
}

/** A bias-free Conv with "same"-style padding k/2, as torchvision's conv3x3/conv1x1/stem. */
function conv(b: GraphBuilder, p: Params, x: Value, name: string, cin: number, cout: number, k: number, stride: number): Value {
  const w = p.add(`${name}.weight`, [cout, cin, k, k], heNormal(cin * k * k));
  const pad = Math.floor(k / 2);
  return b.op("Conv", [x, w], { dilations: [1, 1], group: 1, kernel_shape: [k, k], pads: [pad, pad, pad, pad], strides: [stride, stride] });
}

function batchNorm(b: GraphBuilder, p: Params, x: Value, name: string, c: number, gamma = batchNormInit.gamma): Value {
  const scale = p.add(`${name}.weight`, [c], gamma);
  const bias = p.add(`${name}.bias`, [c], batchNormInit.beta);
  const mean = p.add(`${name}.running_mean`, [c], batchNormInit.mean, "buffer");
  const variance = p.add(`${name}.running_var`, [c], batchNormInit.var, "buffer");
  return b.op("BatchNormalization", [x, scale, bias, mean, variance], { epsilon: 1e-5, momentum: 0.9 });
}
