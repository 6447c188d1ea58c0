import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createModel, type GraphBuilder } from "../ir/builder.js";
import { DataType, dtypeToHost } from "../ir/dtype.js";
import type { Model } from "../ir/model.js";
import type { Dim, Value } from "../ir/value.js";
import { Tensor } from "../ir/tensor/tensor.js";
import { attr } from "../ir/attribute.js";
import { loadModel } from "../ir/serde/load.js";
import { allocHost, type HostTensor } from "../runtime/host-tensor.js";
import { checkShapes, inferModelShapes, inferShapes, inferShapesFromRuntime } from "./infer-shapes.js";

const INT64_MAX = 9223372036854775807;
const SHARED_MODELS = join(process.cwd(), "..", "shared", "models");

/** Runs static inference and fails on any rule error. */
function infer(model: Model): void {
  const r = inferModelShapes(model);
  assert.deepEqual(
    r.issues.map((i) => i.message),
    [],
  );
}

/** Zero-filled feeds for the model's inputs, symbols bound by `sizes`. */
function feedsFor(model: Model, sizes: Record<string, number> = {}, fill?: (name: string, h: HostTensor) => void): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = {};
  for (const v of model.graph.inputs) {
    if (v.initializer) continue;
    const dims = v.shape!.map((d) => (typeof d === "number" ? d : (sizes[d as string] ?? 1)));
    const h = allocHost(dtypeToHost(v.dtype!), dims);
    fill?.(v.name, h);
    feeds[v.name] = h;
  }
  return feeds;
}

/** Every static shape agrees with ONNX Runtime on these feeds, and none is left unknown. */
async function assertMatchesRuntime(model: Model, feeds: Record<string, HostTensor>, allowUnknown = false): Promise<void> {
  const { disagreements, unknown } = await checkShapes(model, feeds);
  assert.deepEqual(disagreements, []);
  if (!allowUnknown) assert.deepEqual(unknown, []);
}

function ints(b: GraphBuilder, values: number[]): Value {
  return b.ints(values);
}

function scalar64(b: GraphBuilder, x: number): Value {
  return b.constant([x], [], DataType.INT64, "scalar");
}

test("broadcasting keeps symbols and comparisons give bool", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["batch", 1, 768]);
  const y = b.input("y", DataType.FLOAT, [1, "sequence", 768]);
  const sum = b.op("Add", [x, y]);
  const scaled = b.op("Mul", [sum, b.constant([2])]);
  const cmp = b.op("Greater", [scaled, b.constant([0])]);
  const picked = b.op("Where", [cmp, scaled, b.constant([0], [1, 1, 1])]);
  const other = b.op("Sub", [x, b.input("z", DataType.FLOAT, ["other", 1, 1])]);
  b.output(picked);
  infer(model);
  assert.deepEqual(sum.shape, ["batch", "sequence", 768]);
  assert.deepEqual(scaled.shape, ["batch", "sequence", 768]);
  assert.equal(cmp.dtype, DataType.BOOL);
  assert.deepEqual(picked.shape, ["batch", "sequence", 768]);
  assert.equal(picked.dtype, DataType.FLOAT);
  assert.deepEqual(other.shape, [null, 1, 768]);
  await assertMatchesRuntime(model, feedsFor(model, { batch: 2, sequence: 3, other: 2 }), true);
});

test("Conv arithmetic: strides, SAME_UPPER on odd sizes, dilations, groups, ConvTranspose", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["n", 4, 7, 9]);
  const w = b.constant(new Array(8 * 4 * 9).fill(0.1), [8, 4, 3, 3]);
  const wg = b.constant(new Array(8 * 2 * 3 * 3).fill(0.1), [8, 2, 3, 3]);
  const s2 = b.op("Conv", [x, w], { strides: [2, 2], pads: [1, 1, 1, 1] });
  const same = b.op("Conv", [x, w], { strides: [2, 2], auto_pad: "SAME_UPPER" });
  const sameLower = b.op("Conv", [x, w], { strides: [2, 2], auto_pad: "SAME_LOWER" });
  const valid = b.op("Conv", [x, w], { strides: [2, 2], auto_pad: "VALID" });
  const dilated = b.op("Conv", [x, w], { dilations: [2, 2] });
  const grouped = b.op("Conv", [x, wg], { group: 2, kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
  const wt = b.constant(new Array(8 * 3 * 4).fill(0.1), [8, 3, 2, 2]);
  const up = b.op("ConvTranspose", [s2, wt], { strides: [2, 2] });
  const upPadded = b.op("ConvTranspose", [s2, wt], { strides: [2, 2], pads: [0, 0, 1, 1], output_padding: [1, 1] });
  const upShaped = b.op("ConvTranspose", [s2, wt], { strides: [2, 2], output_shape: [9, 11] });
  b.output(up);
  infer(model);
  assert.deepEqual(s2.shape, ["n", 8, 4, 5]);
  assert.deepEqual(same.shape, ["n", 8, 4, 5]);
  assert.deepEqual(sameLower.shape, ["n", 8, 4, 5]);
  assert.deepEqual(valid.shape, ["n", 8, 3, 4]);
  assert.deepEqual(dilated.shape, ["n", 8, 3, 5]);
  assert.deepEqual(grouped.shape, ["n", 8, 7, 9]);
  assert.deepEqual(up.shape, ["n", 3, 8, 10]);
  assert.deepEqual(upPadded.shape, ["n", 3, 8, 10]);
  assert.deepEqual(upShaped.shape, ["n", 3, 9, 11]);
  await assertMatchesRuntime(model, feedsFor(model, { n: 2 }));
});

test("pooling: stride 2 with and without ceil_mode, SAME_UPPER, global pools", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [1, 3, 7, 8]);
  const floor = b.op("MaxPool", [x], { kernel_shape: [2, 2], strides: [2, 2] });
  const ceil = b.op("MaxPool", [x], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 });
  const ceilPadded = b.op("MaxPool", [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 });
  // ceil would give 3 windows, but the third would start at 6 = the first padded position.
  const ceilTrimmed = b.op("AveragePool", [b.input("six", DataType.FLOAT, [1, 1, 6, 6])], { kernel_shape: [2, 2], strides: [3, 3], pads: [0, 0, 1, 1], ceil_mode: 1 });
  const [pooled, indices] = b.opN("MaxPool", [x], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: "SAME_UPPER" }, 2) as [Value, Value];
  const avg = b.op("AveragePool", [x], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: "SAME_UPPER" });
  const gap = b.op("GlobalAveragePool", [x]);
  const gmp = b.op("GlobalMaxPool", [x]);
  b.output(gap);
  infer(model);
  assert.deepEqual(floor.shape, [1, 3, 3, 4]);
  assert.deepEqual(ceil.shape, [1, 3, 4, 4]);
  assert.deepEqual(ceilPadded.shape, [1, 3, 4, 5]);
  assert.deepEqual(ceilTrimmed.shape, [1, 1, 2, 2]);
  assert.deepEqual(pooled.shape, [1, 3, 4, 4]);
  assert.equal(indices.dtype, DataType.INT64);
  assert.deepEqual(avg.shape, [1, 3, 4, 4]);
  assert.deepEqual(gap.shape, [1, 3, 1, 1]);
  assert.deepEqual(gmp.shape, [1, 3, 1, 1]);
  await assertMatchesRuntime(model, feedsFor(model));
});

test("Gemm with trans flags, MatMul batched and 1-D", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const a = b.input("a", DataType.FLOAT, ["m", 4]);
  const at = b.input("at", DataType.FLOAT, [4, "m"]);
  const w = b.constant(new Array(24).fill(1), [6, 4]);
  const g1 = b.op("Gemm", [a, w], { transB: 1 });
  const g2 = b.op("Gemm", [at, w], { transA: 1, transB: 1 });
  const batched = b.op("MatMul", [b.input("p", DataType.FLOAT, [2, 1, 3, 4]), b.input("q", DataType.FLOAT, [5, 4, 6])]);
  const vecMat = b.op("MatMul", [b.input("v", DataType.FLOAT, [4]), b.input("mat", DataType.FLOAT, [4, 5])]);
  const matVec = b.op("MatMul", [b.input("mat2", DataType.FLOAT, ["r", 3, 4]), b.input("v2", DataType.FLOAT, [4])]);
  const dot = b.op("MatMul", [b.input("v3", DataType.FLOAT, [4]), b.input("v4", DataType.FLOAT, [4])]);
  b.output(g1);
  infer(model);
  assert.deepEqual(g1.shape, ["m", 6]);
  assert.deepEqual(g2.shape, ["m", 6]);
  assert.deepEqual(batched.shape, [2, 5, 3, 6]);
  assert.deepEqual(vecMat.shape, [5]);
  assert.deepEqual(matVec.shape, ["r", 3]);
  assert.deepEqual(dot.shape, []);
  await assertMatchesRuntime(model, feedsFor(model, { m: 3, r: 2 }));
});

test("Reshape with constant targets: 0 copies, -1 is solved, symbols carried; Flatten and Transpose", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["batch", "seq", 768]);
  const heads = b.op("Reshape", [x, ints(b, [0, 0, 12, -1])]);
  const flat = b.op("Reshape", [x, ints(b, [-1, 768])]);
  const back = b.op("Reshape", [flat, ints(b, [-1, 12, 64])]);
  const perm = b.op("Transpose", [heads], { perm: [0, 2, 1, 3] });
  const rev = b.op("Transpose", [x]);
  const f1 = b.op("Flatten", [heads], { axis: 2 });
  const f0 = b.op("Flatten", [x], { axis: 0 });
  b.output(perm);
  infer(model);
  assert.deepEqual(heads.shape, ["batch", "seq", 12, 64]);
  assert.deepEqual(flat.shape, ["batch*seq", 768]);
  assert.deepEqual(back.shape, ["batch*seq", 12, 64]);
  assert.deepEqual(perm.shape, ["batch", 12, "seq", 64]);
  assert.deepEqual(rev.shape, [768, "seq", "batch"]);
  assert.deepEqual(f1.shape, ["batch*seq", 768]);
  assert.deepEqual(f0.shape, [1, "768*batch*seq"]);
  await assertMatchesRuntime(model, feedsFor(model, { batch: 2, seq: 3 }));
});

test("shape arithmetic from Shape ops keeps batch and sequence symbolic (PyTorch export pattern)", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const ids = b.input("input_ids", DataType.INT64, ["batch", "sequence"]);
  const table = b.constant(new Array(50 * 768).fill(0.5), [50, 768]);
  const hidden = b.op("Gather", [table, ids]);
  const shape = b.op("Shape", [hidden]);
  const batch = b.op("Gather", [shape, scalar64(b, 0)], { axis: 0 });
  const seq = b.op("Gather", [shape, scalar64(b, 1)], { axis: 0 });
  const target = b.op("Concat", [b.op("Unsqueeze", [batch, ints(b, [0])]), b.op("Unsqueeze", [seq, ints(b, [0])]), ints(b, [12, 64])], { axis: 0 });
  const split = b.op("Reshape", [hidden, target]);
  // numel-style arithmetic: batch * sequence as one dim, via Mul and a Cast round trip.
  const bs = b.op("Cast", [b.op("Mul", [b.op("Cast", [batch], { to: DataType.FLOAT }), b.op("Cast", [seq], { to: DataType.FLOAT })])], { to: DataType.INT64 });
  const merged = b.op("Reshape", [hidden, b.op("Concat", [b.op("Unsqueeze", [bs, ints(b, [0])]), ints(b, [768])], { axis: 0 })]);
  // Shape(start, end) (opset 15), Slice of a shape, and a Div that divides exactly.
  const tail = b.op("Shape", [split], { start: -2 });
  const lead = b.op("Slice", [b.op("Shape", [split]), ints(b, [0]), ints(b, [2])]);
  const half = b.op("Div", [b.op("Gather", [tail, scalar64(b, 1)]), scalar64(b, 2)]);
  const regrouped = b.op("Reshape", [split, b.op("Concat", [lead, ints(b, [24]), b.op("Unsqueeze", [half, ints(b, [0])])], { axis: 0 })]);
  // Expand through the Where(Equal(shape, -1), 1, shape) idiom, ConstantOfShape and Range.
  const expandShape = b.op("Concat", [b.op("Unsqueeze", [batch, ints(b, [0])]), ints(b, [-1])], { axis: 0 });
  const isMinus = b.op("Equal", [expandShape, ints(b, [-1])]);
  const fixed = b.op("Where", [isMinus, ints(b, [1, 1]), expandShape]);
  const expanded = b.op("Expand", [b.input("row", DataType.FLOAT, [1, "sequence"]), fixed]);
  const mask = b.op("ConstantOfShape", [b.op("Shape", [ids])], { value: Tensor.fromArray(DataType.INT64, [1], [1]) });
  const positions = b.op("Range", [scalar64(b, 0), seq, scalar64(b, 1)]);
  const size = b.op("Size", [hidden]);
  b.output(regrouped);
  infer(model);
  assert.deepEqual(hidden.shape, ["batch", "sequence", 768]);
  assert.deepEqual(shape.shape, [3]);
  assert.deepEqual(target.shape, [4]);
  assert.deepEqual(split.shape, ["batch", "sequence", 12, 64]);
  assert.deepEqual(merged.shape, ["batch*sequence", 768]);
  assert.deepEqual(tail.shape, [2]);
  assert.deepEqual(regrouped.shape, ["batch", "sequence", 24, 32]);
  assert.deepEqual(expanded.shape, ["batch", "sequence"]);
  assert.deepEqual(mask.shape, ["batch", "sequence"]);
  assert.equal(mask.dtype, DataType.INT64);
  assert.deepEqual(positions.shape, ["sequence"]);
  assert.deepEqual(size.shape, []);
  await assertMatchesRuntime(model, feedsFor(model, { batch: 2, sequence: 5 }));
});

test("PyTorch's opset-11 pads arithmetic (ConstantOfShape, Concat, Reshape, reversed Slice, Transpose, Cast) resolves", async () => {
  const { model, builder: b } = createModel({ opset: 13 });
  const x = b.input("x", DataType.FLOAT, ["n", 8, 16, 20]);
  const zeros = b.op("ConstantOfShape", [ints(b, [4])], { value: Tensor.fromArray(DataType.INT64, [1], [0]) });
  const flat = b.op("Concat", [ints(b, [1, 2, 0, 1]), zeros], { axis: 0 });
  const pairs = b.op("Reshape", [flat, ints(b, [-1, 2])]);
  const reversed = b.op("Slice", [pairs, ints(b, [-1]), ints(b, [-INT64_MAX]), ints(b, [0]), ints(b, [-1])]);
  const pads = b.op("Cast", [b.op("Reshape", [b.op("Transpose", [reversed], { perm: [1, 0] }), ints(b, [-1])])], { to: DataType.INT64 });
  const padded = b.op("Pad", [x, pads]);
  b.output(padded);
  infer(model);
  assert.deepEqual(padded.shape, ["n", 8, 17, 23]);
  await assertMatchesRuntime(model, feedsFor(model, { n: 2 }));
});

test("Squeeze/Unsqueeze axes: attribute at opset 11, input at opset 13", async () => {
  for (const opset of [11, 13]) {
    const { model, builder: b } = createModel({ opset });
    const x = b.input("x", DataType.FLOAT, [1, "n", 1, 4]);
    const axesArgs = (axes: number[]): [Value[], Record<string, number[]>] => (opset >= 13 ? [[ints(b, axes)], {}] : [[], { axes }]);
    const [sIn, sAttr] = axesArgs([0, -2]);
    const squeezed = b.op("Squeeze", [x, ...sIn], sAttr);
    const [uIn, uAttr] = axesArgs([0, 3]);
    const unsqueezed = b.op("Unsqueeze", [squeezed, ...uIn], uAttr);
    const all = b.op("Squeeze", [b.input("y", DataType.FLOAT, [1, 3, 1])]);
    const unknownRank = b.op("Squeeze", [x]);
    const [rIn, rAttr] = axesArgs([1]);
    const reduced = b.op("ReduceSum", [x, ...rIn], { keepdims: 0, ...rAttr });
    b.output(unsqueezed);
    infer(model);
    assert.deepEqual(squeezed.shape, ["n", 4], `opset ${opset}`);
    assert.deepEqual(unsqueezed.shape, [1, "n", 4, 1], `opset ${opset}`);
    assert.deepEqual(all.shape, [3], `opset ${opset}`);
    assert.equal(unknownRank.shape, undefined, "a symbolic dim might be 1");
    assert.deepEqual(reduced.shape, [1, 1, 4], `opset ${opset}`);
    await assertMatchesRuntime(model, feedsFor(model, { n: 3 }), true);
  }
});

test("reductions: keepdims, axes attribute or input, noop_with_empty_axes, ArgMax", async () => {
  const { model, builder: b } = createModel({ opset: 18 });
  const x = b.input("x", DataType.FLOAT, ["b", 3, 4]);
  const mean = b.op("ReduceMean", [x, ints(b, [-1])]);
  const meanFlat = b.op("ReduceMean", [x, ints(b, [1, 2])], { keepdims: 0 });
  const all = b.op("ReduceMax", [x], { keepdims: 0 });
  const noop = b.op("ReduceMin", [x], { noop_with_empty_axes: 1 });
  const dyn = b.op("ReduceSum", [x, b.input("axes", DataType.INT64, [1])]);
  const arg = b.op("ArgMax", [x], { axis: 1, keepdims: 0 });
  b.output(mean);
  infer(model);
  assert.deepEqual(mean.shape, ["b", 3, 1]);
  assert.deepEqual(meanFlat.shape, ["b"]);
  assert.deepEqual(all.shape, []);
  assert.deepEqual(noop.shape, ["b", 3, 4]);
  assert.deepEqual(dyn.shape, [null, null, null]);
  assert.deepEqual(arg.shape, ["b", 4]);
  assert.equal(arg.dtype, DataType.INT64);
  await assertMatchesRuntime(model, feedsFor(model, { b: 2 }, (name, h) => name === "axes" && ((h.data as BigInt64Array)[0] = 1n)), true);

  const old = createModel({ opset: 13 });
  const y = old.builder.input("y", DataType.FLOAT, [2, 3]);
  const m13 = old.builder.op("ReduceMean", [y], { axes: [0] });
  infer(old.model);
  assert.deepEqual(m13.shape, [1, 3]);
});

test("Split by attribute (opset 11), input (13) and num_outputs (18)", async () => {
  const m11 = createModel({ opset: 11 });
  const x11 = m11.builder.input("x", DataType.FLOAT, ["b", 10]);
  const parts11 = m11.builder.opN("Split", [x11], { axis: 1, split: [3, 7] }, 2);
  const even11 = m11.builder.opN("Split", [x11], { axis: -1 }, 2);
  infer(m11.model);
  assert.deepEqual(parts11.map((v) => v.shape), [["b", 3], ["b", 7]]);
  assert.deepEqual(even11.map((v) => v.shape), [["b", 5], ["b", 5]]);

  const m13 = createModel({ opset: 13 });
  const x13 = m13.builder.input("x", DataType.FLOAT, ["b", 10]);
  const parts13 = m13.builder.opN("Split", [x13, m13.builder.ints([2, 8])], { axis: 1 }, 2);
  const sym = m13.builder.opN("Split", [x13], { axis: 0 }, 2);
  infer(m13.model);
  assert.deepEqual(parts13.map((v) => v.shape), [["b", 2], ["b", 8]]);
  assert.deepEqual(sym.map((v) => v.shape), [[null, 10], [null, 10]]);

  const m18 = createModel({ opset: 18 });
  const x18 = m18.builder.input("x", DataType.FLOAT, [2, 10]);
  const uneven = m18.builder.opN("Split", [x18], { axis: 1, num_outputs: 3 }, 3);
  m18.builder.output(uneven[0]!);
  infer(m18.model);
  assert.deepEqual(uneven.map((v) => v.shape), [[2, 4], [2, 4], [2, 2]]);
  await assertMatchesRuntime(m18.model, feedsFor(m18.model));
});

test("Slice clamps, counts from the end, honours steps and INT64_MAX ends (opset 9 attributes too)", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["b", 10, 6]);
  const tail = b.op("Slice", [x, ints(b, [-3]), ints(b, [INT64_MAX]), ints(b, [1])]);
  const stepped = b.op("Slice", [x, ints(b, [1, 0]), ints(b, [100, -1]), ints(b, [1, 2]), ints(b, [3, 2])]);
  const reversed = b.op("Slice", [x, ints(b, [-1]), ints(b, [-INT64_MAX]), ints(b, [2]), ints(b, [-1])]);
  const whole = b.op("Slice", [x, ints(b, [0]), ints(b, [INT64_MAX]), ints(b, [0])]);
  const partOfSymbol = b.op("Slice", [x, ints(b, [1]), ints(b, [INT64_MAX]), ints(b, [0])]);
  const dynamic = b.op("Slice", [x, b.input("start", DataType.INT64, [1]), ints(b, [5]), ints(b, [1])]);
  b.output(tail);
  infer(model);
  assert.deepEqual(tail.shape, ["b", 3, 6]);
  assert.deepEqual(stepped.shape, ["b", 3, 3]);
  assert.deepEqual(reversed.shape, ["b", 10, 6]);
  assert.deepEqual(whole.shape, ["b", 10, 6]);
  assert.deepEqual(partOfSymbol.shape, [null, 10, 6]);
  assert.deepEqual(dynamic.shape, ["b", null, 6]);
  await assertMatchesRuntime(model, feedsFor(model, { b: 3 }), true);

  const old = createModel({ opset: 9 });
  const y = old.builder.input("y", DataType.FLOAT, [4, 10]);
  const s9 = old.builder.op("Slice", [y], { starts: [2], ends: [-1], axes: [1] });
  infer(old.model);
  assert.deepEqual(s9.shape, [4, 7]);
});

test("a position table cut to a symbolic sequence length is min(sequence, rows), and broadcasts as the sequence", async () => {
  // The torch.onnx pattern of BERT's position embeddings: table[:seq_len] added to [batch, seq, hidden].
  const { model, builder: b } = createModel({ opset: 17 });
  const ids = b.input("ids", DataType.INT64, ["batch", "sequence"]);
  const words = b.input("words", DataType.FLOAT, ["batch", "sequence", 8]);
  const table = b.constant(new Float32Array(16 * 8), [16, 8], DataType.FLOAT, "table");
  const seqLen = b.op("Shape", [ids], { start: 1, end: 2 });
  const cut = b.op("Slice", [table, ints(b, [0]), seqLen, ints(b, [0])]);
  const both = b.op("Slice", [words, ints(b, [0, 0]), b.op("Concat", [seqLen, seqLen], { axis: 0 }), ints(b, [1, 2])]);
  const sum = b.op("Add", [words, cut]);
  b.output(sum);
  b.output(both);
  infer(model);
  assert.deepEqual(cut.shape, ["min(sequence,16)", 8]);
  assert.deepEqual(sum.shape, ["batch", "sequence", 8]);
  assert.deepEqual(both.shape, ["batch", "sequence", "min(sequence,8)"]);
  await assertMatchesRuntime(model, feedsFor(model, { batch: 2, sequence: 5 }));
  await assertMatchesRuntime(model, feedsFor(model, { batch: 2, sequence: 1 }));
});

test("Gather, Concat, Pad, Resize, Tile, TopK, Cast, Range, ConstantOfShape", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["n", 3, 8, 8]);
  const gathered = b.op("Gather", [x, b.constant([0, 2, 1, 0], [2, 2], DataType.INT64)], { axis: 1 });
  const cat = b.op("Concat", [x, x], { axis: 1 });
  const catSym = b.op("Concat", [x, x], { axis: 0 });
  const padded = b.op("Pad", [x, ints(b, [0, 0, 1, 2, 0, 0, 3, 4])]);
  const scaledUp = b.op("Resize", [x, null, b.constant([1, 1, 2, 1.5])], { mode: "nearest" });
  const sized = b.op("Resize", [x, null, null, ints(b, [1, 3, 5, 6])]);
  const tiled = b.op("Tile", [x, ints(b, [1, 2, 1, 3])]);
  const [values, indices] = b.opN("TopK", [x, ints(b, [5])], { axis: -1 }, 2) as [Value, Value];
  const casted = b.op("Cast", [x], { to: DataType.FLOAT16 });
  const r = b.op("Range", [b.constant([1], [], DataType.FLOAT), b.constant([4], [], DataType.FLOAT), b.constant([0.5], [], DataType.FLOAT)]);
  const zeros = b.op("ConstantOfShape", [ints(b, [2, 3])]);
  const ge = b.op("GatherElements", [x, b.input("idx", DataType.INT64, ["n", 3, 8, 2])], { axis: 3 });
  b.output(cat);
  infer(model);
  assert.deepEqual(gathered.shape, ["n", 2, 2, 8, 8]);
  assert.deepEqual(cat.shape, ["n", 6, 8, 8]);
  assert.deepEqual(catSym.shape, ["2*n", 3, 8, 8]);
  assert.deepEqual(padded.shape, ["n", 3, 12, 14]);
  assert.deepEqual(scaledUp.shape, ["n", 3, 16, 12]);
  assert.deepEqual(sized.shape, [1, 3, 5, 6]);
  assert.deepEqual(tiled.shape, ["n", 6, 8, 24]);
  assert.deepEqual(values.shape, ["n", 3, 8, 5]);
  assert.equal(indices.dtype, DataType.INT64);
  assert.equal(casted.dtype, DataType.FLOAT16);
  assert.deepEqual(r.shape, [6]);
  assert.deepEqual(zeros.shape, [2, 3]);
  assert.equal(zeros.dtype, DataType.FLOAT);
  assert.deepEqual(ge.shape, ["n", 3, 8, 2]);
  await assertMatchesRuntime(model, feedsFor(model, { n: 1 }));

  const old = createModel({ opset: 10 });
  const y = old.builder.input("y", DataType.FLOAT, [1, 2, 3]);
  const p10 = old.builder.op("Pad", [y], { pads: [0, 1, 1, 0, 1, 1] });
  const clip10 = old.builder.op("Clip", [y], { min: 0, max: 6 });
  const up10 = old.builder.op("Resize", [y, old.builder.constant([1, 2, 2])]);
  infer(old.model);
  assert.deepEqual(p10.shape, [1, 4, 5]);
  assert.deepEqual(clip10.shape, [1, 2, 3]);
  assert.deepEqual(up10.shape, [1, 4, 6]);
});

test("normalizations, activations and quantization ops", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["b", 4, 6]);
  const [ln, mean] = b.opN("LayerNormalization", [x, b.constant(new Array(6).fill(1)), b.constant(new Array(6).fill(0))], { axis: -1 }, 2) as [Value, Value];
  const bn = b.op("BatchNormalization", [x, ...[1, 0, 0, 1].map((v) => b.constant(new Array(4).fill(v)))]);
  const inorm = b.op("InstanceNormalization", [x, b.constant(new Array(4).fill(1)), b.constant(new Array(4).fill(0))]);
  const act = b.op("HardSwish", [b.op("HardSigmoid", [b.op("LeakyRelu", [b.op("Softmax", [ln])])])]);
  const [dropped, dropMask] = b.opN("Dropout", [act], {}, 2) as [Value, Value];
  const clipped = b.op("Clip", [dropped, b.constant([0], []), b.constant([6], [])]);
  const [q, scale, zp] = b.opN("DynamicQuantizeLinear", [clipped], {}, 3) as [Value, Value, Value];
  const qs = b.op("QuantizeLinear", [x, b.constant([0.1], []), b.constant([3], [], DataType.INT8)]);
  const qu = b.op("QuantizeLinear", [x, b.constant([0.1], [])]);
  const dq = b.op("DequantizeLinear", [qs, b.constant([0.1], []), b.constant([3], [], DataType.INT8)]);
  const wq = b.constant(new Array(6 * 5).fill(1), [6, 5], DataType.UINT8);
  const mmi = b.op("MatMulInteger", [q, wq, zp]);
  const qmm = b.op("QLinearMatMul", [q, scale, zp, wq, b.constant([0.1], []), b.constant([0], [], DataType.UINT8), b.constant([0.2], []), b.constant([0], [], DataType.UINT8)]);
  const x4 = b.input("img", DataType.UINT8, [1, 2, 5, 5]);
  const w4 = b.constant(new Array(3 * 2 * 9).fill(1), [3, 2, 3, 3], DataType.UINT8);
  const ci = b.op("ConvInteger", [x4, w4]);
  const qc = b.op("QLinearConv", [x4, b.constant([0.1], []), b.constant([0], [], DataType.UINT8), w4, b.constant([0.1], []), b.constant([0], [], DataType.UINT8), b.constant([0.3], []), b.constant([0], [], DataType.UINT8)], { pads: [1, 1, 1, 1] });
  b.output(mmi);
  infer(model);
  assert.deepEqual(ln.shape, ["b", 4, 6]);
  assert.deepEqual(mean.shape, ["b", 4, 1]);
  assert.deepEqual(bn.shape, ["b", 4, 6]);
  assert.deepEqual(inorm.shape, ["b", 4, 6]);
  assert.deepEqual(act.shape, ["b", 4, 6]);
  assert.equal(dropMask.dtype, DataType.BOOL);
  assert.deepEqual(clipped.shape, ["b", 4, 6]);
  assert.deepEqual([q.dtype, scale.dtype, zp.dtype], [DataType.UINT8, DataType.FLOAT, DataType.UINT8]);
  assert.deepEqual([scale.shape, zp.shape], [[], []]);
  assert.equal(qs.dtype, DataType.INT8);
  assert.equal(qu.dtype, DataType.UINT8);
  assert.equal(dq.dtype, DataType.FLOAT);
  assert.deepEqual(mmi.shape, ["b", 4, 5]);
  assert.equal(mmi.dtype, DataType.INT32);
  assert.equal(qmm.dtype, DataType.UINT8);
  assert.deepEqual(ci.shape, [1, 3, 3, 3]);
  assert.equal(ci.dtype, DataType.INT32);
  assert.deepEqual(qc.shape, [1, 3, 5, 5]);
  assert.equal(qc.dtype, DataType.UINT8);
  await assertMatchesRuntime(model, feedsFor(model, { b: 2 }));
});

test("unknown ops stay untyped without failing; If outputs keep their declared types", () => {
  const { model, builder: b } = createModel({ opset: 17, extraOpsets: { "my.domain": 1 } });
  const x = b.input("x", DataType.FLOAT, [2, 3]);
  const custom = b.op("Frobnicate", [x], {}, { domain: "my.domain" });
  const after = b.op("Relu", [custom]);
  const branch = model.graph.createSubgraph("then");
  const inner = branch.addNode("Identity", [x]);
  branch.addOutput(inner.output());
  const ifNode = model.graph.addNode("If", [b.input("c", DataType.BOOL, [])], { then_branch: attr.graph(branch), else_branch: attr.graph(branch) });
  ifNode.output().type = { kind: "tensor", dtype: DataType.FLOAT, shape: ["declared", 3] };
  const relu = b.op("Relu", [ifNode.output()]);
  const r = inferModelShapes(model);
  assert.deepEqual(r.issues, []);
  assert.equal(custom.type, undefined);
  assert.equal(after.type, undefined);
  assert.deepEqual(ifNode.output().shape, ["declared", 3]);
  assert.deepEqual(relu.shape, ["declared", 3]);
  assert.ok(r.skipped.includes(custom.producer!) && r.skipped.includes(ifNode));
});

test("a rule failure is reported, not thrown, and the pass is idempotent", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const bad = b.op("Add", [b.input("x", DataType.FLOAT, [2]), b.input("y", DataType.FLOAT, [3])]);
  const good = b.op("Relu", [b.input("z", DataType.FLOAT, [4])]);
  const r = inferModelShapes(model);
  assert.equal(r.issues.length, 1);
  assert.match(r.issues[0]!.message, /do not broadcast/);
  assert.equal(bad.type, undefined);
  assert.deepEqual(good.shape, [4]);
  assert.equal((await inferShapes.run(model)).modified, false);
});

test("declared dims fill what a rule cannot tell; inferred dims win otherwise", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["b", 10]);
  const part = b.op("Slice", [x, b.input("s", DataType.INT64, [1]), ints(b, [8]), ints(b, [1])]);
  part.type = { kind: "tensor", dtype: DataType.FLOAT, shape: [7, 4] };
  const flat = b.op("Relu", [x]);
  flat.type = { kind: "tensor", dtype: DataType.FLOAT, shape: [128, 10] };
  infer(model);
  assert.deepEqual(part.shape, ["b", 4]);
  assert.deepEqual(flat.shape, ["b", 10]);
});

test("inferShapesFromRuntime fills what static rules cannot know and keeps symbols", async () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["batch", 6]);
  const cond = b.input("keep", DataType.BOOL, [6]);
  const picked = b.op("Compress", [x, cond], { axis: 1 });
  const act = b.op("Relu", [picked]);
  const nz = b.op("NonZero", [cond]);
  b.output(act);
  const feeds = feedsFor(model, { batch: 2 }, (name, h) => name === "keep" && (h.data as Uint8Array).set([1, 0, 1, 1, 0, 0]));
  const report = await inferShapesFromRuntime(model, feeds);
  assert.deepEqual(report.mismatches, []);
  assert.deepEqual(picked.shape, [2, 3]);
  assert.equal(picked.dtype, DataType.FLOAT);
  assert.deepEqual(act.shape, [2, 3]);
  assert.deepEqual(nz.shape, [1, 3]);
  assert.ok(report.filled >= 3);

  const sym = createModel({ opset: 17 });
  const y = sym.builder.input("y", DataType.FLOAT, ["batch", 6]);
  const both = sym.builder.op("Relu", [sym.builder.op("Compress", [y, sym.builder.input("keep", DataType.BOOL, [6])], { axis: 1 })]);
  const kept = sym.builder.op("Sigmoid", [y]);
  sym.builder.output(both);
  await inferShapesFromRuntime(sym.model, feedsFor(sym.model, { batch: 2 }, (name, h) => name === "keep" && (h.data as Uint8Array).set([1, 1, 0, 0, 0, 0])));
  assert.deepEqual(kept.shape, ["batch", 6]);
  assert.deepEqual(both.shape, [2, 2]);
});

const realModels = existsSync(SHARED_MODELS) ? readdirSync(SHARED_MODELS).filter((f) => f.endsWith(".onnx")) : [];

test("real models: every node output gets a full shape and dtype that ONNX Runtime agrees with", { skip: realModels.length ? false : `no models at ${SHARED_MODELS}` }, async () => {
  for (const file of realModels) {
    const model = loadModel(join(SHARED_MODELS, file));
    const r = inferModelShapes(model);
    assert.deepEqual(r.issues, [], file);
    assert.deepEqual(r.skipped, [], file);
    for (const n of model.graph.nodes) {
      for (const v of n.outputs) {
        assert.ok(v.dtype !== undefined && v.dtype !== DataType.UNDEFINED, `${file}: ${v.name} has no dtype`);
        assert.ok(v.shape && v.shape.every((d: Dim) => d !== null), `${file}: ${v.name} has shape ${JSON.stringify(v.shape)}`);
      }
    }
    for (const batch of [1, 3]) {
      const fixed = model.graph.inputs.every((v) => v.initializer || v.shape!.every((d) => typeof d === "number"));
      if (batch > 1 && fixed) continue;
      const feeds = feedsFor(model, Object.fromEntries(model.graph.inputs.flatMap((v) => (v.shape ?? []).filter((d) => typeof d === "string").map((d) => [d, batch]))));
      await assertMatchesRuntime(model, feeds);
    }
  }
});

test("inputs and attributes that do not fit together are an issue, never a NaN or negative size", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  // A 2-D kernel on a 5-D image (a damaged file's input shape): the kernel's extents ran out.
  const x = b.input("x", DataType.FLOAT, [1, 3, 8, 8, 8, 8, 8]);
  const w = b.initializer("w", Tensor.fromArray(DataType.FLOAT, [4, 3, 3, 3], new Float32Array(108)));
  const conv = b.op("Conv", [x, w], { kernel_shape: attr.ints([3, 3]) }, { name: "conv" });
  // A stride of 0 (infinite size) and a kernel larger than the padded input (negative size).
  const y = b.input("y", DataType.FLOAT, [1, 3, 8, 8]);
  const pool0 = b.op("MaxPool", [y], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([0, 1]) }, { name: "pool0" });
  const pool1 = b.op("MaxPool", [y], { kernel_shape: attr.ints([20, 2]) }, { name: "pool1" });
  for (const v of [conv, pool0, pool1]) b.output(v);
  const r = inferModelShapes(model);
  assert.deepEqual(r.issues.map((i) => i.node.name), ["conv", "pool0", "pool1"]);
  assert.match(r.issues[0]!.message, /kernel has 2 axes but the input has 5 spatial axes/);
  assert.match(r.issues[1]!.message, /size Infinity on axis 2/);
  assert.match(r.issues[2]!.message, /size -11 on axis 2/);
  for (const v of [conv, pool0, pool1]) assert.equal(v.shape, undefined, v.name);
});

test("a Cast to an element type ONNX does not define is an issue, not a type the writer cannot encode", () => {
  const { model, builder: b } = createModel({ opset: 17 });
  const y = b.op("Cast", [b.input("x", DataType.FLOAT, [2])], { to: attr.int(2 ** 31) }, { name: "cast" });
  b.output(y);
  const r = inferModelShapes(model);
  assert.deepEqual(r.issues.map((i) => i.message), ['Cast node "cast": output 0 would have element type 2147483648, which ONNX does not define']);
  assert.equal(y.type, undefined);
});
