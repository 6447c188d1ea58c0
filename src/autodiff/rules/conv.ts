// Conv and ConvTranspose. Each is the other's adjoint with respect to the input, so the input
// gradient of one is the other op with the same geometry; the weight gradients are both the
// input/output-gradient correlation of convWeightGrad, with the roles of x and g swapped for
// ConvTranspose (its output plays the part of a Conv's input).

import type { Value } from "../../ir/value.js";
import { range } from "../emitter.js";
import type { GradContext, GradRule } from "../rule.js";
import { spreadOverInput, windowGeometry } from "./conv-geometry.js";
import { convWeightGrad } from "./conv-weight-grad.js";

function biasGrad(c: GradContext, g: Value): Value | null {
  const bias = c.optionalInput(2);
  return bias && c.needsGrad(2) ? c.b.reduceSum(g, [0, ...range(2, c.rank(c.input(0)))], false) : null;
}

export const conv: GradRule = {
  op: "Conv",
  inputsToSave: [0, 1],
  grad: (c) => {
    const g = c.grad()!;
    const [x, w] = [c.input(0), c.input(1)];
    const geo = windowGeometry(c, x, kernelOf(w));
    const gx = c.needsGrad(0) ? spreadOverInput(c, g, w, geo, x) : null;
    const gw = c.needsGrad(1) ? convWeightGrad(c, x, g, geo) : null;
    return [gx, gw, biasGrad(c, g)];
  },
};

export const convTranspose: GradRule = {
  op: "ConvTranspose",
  inputsToSave: [0, 1],
  grad: (c) => {
    const { b } = c;
    const g = c.grad()!;
    const [x, w] = [c.input(0), c.input(1)];
    const autoPad = c.node.getString("auto_pad", "NOTSET");
    if (c.node.getInts("output_shape") || (autoPad !== "NOTSET" && autoPad !== "VALID")) {
      throw c.fail("ConvTranspose with output_shape or SAME auto_pad is not supported; give explicit pads");
    }
    const geo = windowGeometry(c, x, kernelOf(w));
    // output_padding only appends rows the forward never wrote from x, so the adjoint ignores it.
    const gx = c.needsGrad(0)
      ? b.op("Conv", [g, w], {
          kernel_shape: geo.kernel,
          strides: geo.strides,
          dilations: geo.dilations,
          pads: [...geo.padsBegin, ...geo.padsEnd],
          group: geo.group,
        })
      : null;
    const gw = c.needsGrad(1) ? convWeightGrad(c, g, x, geo) : null;
    return [gx, gw, biasGrad(c, g)];
  },
};

function kernelOf(w: Value): number[] | undefined {
  const k = w.shape?.slice(2);
  return k && k.every((d) => typeof d === "number") ? (k as number[]) : undefined;
}

export const CONV_RULES: readonly GradRule[] = [conv, convTranspose];
