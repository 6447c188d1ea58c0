// The models the fuzzer mutates: the zoo's resnet-tiny and bert-tiny (written by `quanta zoo`),
// the project's models/*.onnx, ../shared/models/*.onnx when present, and small hand-built ones
// covering what the big ones lack (If and Loop subgraphs, external data, a sparse initializer,
// Constant nodes and an embedding, float16 weights, an already quantized Q/DQ graph).
// Every seed gets a small labeled .npz beside it so `quanta eval` has data of the right shape.

import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { basename, join, resolve } from "node:path";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { ModelProtoSchema, SparseTensorProtoSchema, TensorProtoSchema } from "../../src/ir/serde/gen/onnx/onnx_pb.js";
import { createModel } from "../../src/ir/builder.js";
import { attr } from "../../src/ir/attribute.js";
import { Tensor } from "../../src/ir/tensor/tensor.js";
import { DataType } from "../../src/ir/dtype.js";
import type { Model } from "../../src/ir/model.js";
import { saveModel, serializeModel } from "../../src/ir/serde/save.js";
import { loadModel } from "../../src/ir/serde/load.js";
import { randomDataset } from "../../src/data/random-dataset.js";
import { encodeNpz } from "../../src/data/npz.js";
import type { HostTensor } from "../../src/runtime/host-tensor.js";
import { convertModelToFloat16 } from "../../src/fp16/index.js";
import { buildZooModel } from "../../src/zoo/index.js";
import { quantizeStatic } from "../../src/quant/static.js";
import { staticConfig } from "../../src/quant/config.js";

export interface Seed {
  name: string;
  /** Folder holding the model and its side files; a mutant copies all of them. */
  dir: string;
  /** The model file's name inside `dir`. */
  file: string;
  /** Labeled samples shaped for this model, for `quanta eval`. */
  evalData: string;
  /** How often the fuzzer picks it, relative to the others (small models more often: they are faster). */
  weight: number;
}

export const ROOT = process.cwd();
export const CLI = join(ROOT, "bin", "quanta.js");

/** Seeds a campaign uses; `set` "small" is the hand-built ones and resnet-tiny (the `npm test` slice). */
export async function prepareSeeds(workDir: string, set: "all" | "small" = "all"): Promise<Seed[]> {
  const seedsDir = join(workDir, "seeds");
  mkdirSync(seedsDir, { recursive: true });
  const seeds: Seed[] = [];
  const add = async (name: string, weight: number, write: (dir: string) => string | Promise<string>) => {
    const dir = join(seedsDir, name);
    mkdirSync(dir, { recursive: true });
    const file = await write(dir);
    const evalData = join(seedsDir, `${name}.eval.npz`);
    if (!existsSync(evalData)) writeFileSync(evalData, await evalNpz(loadModel(join(dir, file))));
    seeds.push({ name, dir, file, evalData, weight });
  };
  const built = (m: () => Model, opts: { external?: boolean } = {}) => (dir: string) => {
    const path = join(dir, "model.onnx");
    if (!existsSync(path)) saveModel(m(), path, opts.external ? { externalData: true, location: "weights.bin", sizeThreshold: 256 } : {});
    return "model.onnx";
  };
  // Campaigns write zoo models with `quanta zoo`; the `npm test` slice builds them in process
  // (the same code, without a process start on a busy machine).
  const zoo = (name: string) => (dir: string) => {
    const path = join(dir, "model.onnx");
    if (existsSync(path)) return "model.onnx";
    if (set === "small") saveModel(buildZooModel(name), path);
    else execFileSync(process.execPath, [CLI, "zoo", name, "-o", path], { stdio: "pipe" });
    return "model.onnx";
  };
  const copied = (src: string) => (dir: string) => {
    const path = join(dir, "model.onnx");
    if (!existsSync(path)) copyFileSync(src, path);
    return "model.onnx";
  };

  await add("mlp", 6, built(mlp));
  await add("if", 5, built(ifModel));
  await add("loop", 5, built(loopModel));
  await add("external", 5, built(mlp, { external: true }));
  await add("sparse", 3, (dir) => {
    const path = join(dir, "model.onnx");
    if (!existsSync(path)) writeFileSync(path, sparseModelBytes());
    return "model.onnx";
  });
  await add("embed", 4, built(embedModel));
  await add("fp16", 3, built(() => {
    const m = mlp();
    convertModelToFloat16(m, { keepIoTypes: false, blockOps: [] });
    return m;
  }));
  await add("qdq", 3, async (dir) => {
    const path = join(dir, "model.onnx");
    if (!existsSync(path)) {
      const m = mlp();
      await quantizeStatic(m, randomDataset(m, 4), { config: staticConfig(), calibration: { observer: "minmax", samples: 4 } });
      saveModel(m, path);
    }
    return "model.onnx";
  });
  await add("resnet-tiny", 3, zoo("resnet-tiny"));
  if (set === "small") return seeds;
  await add("bert-tiny", 3, zoo("bert-tiny"));
  for (const dir of [join(ROOT, "models"), resolve(ROOT, "../shared/models")]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((f) => f.endsWith(".onnx")).sort()) {
      const name = basename(f, ".onnx");
      if (seeds.some((s) => s.name === name)) continue;
      const bytes = statSync(join(dir, f)).size;
      await add(name, bytes > 2e6 ? 0.5 : bytes > 2e5 ? 1 : 2, copied(join(dir, f)));
    }
  }
  return seeds;
}

/** Four random samples in the model's shapes with labels 0/1, as an .npz keyed by input name. */
async function evalNpz(model: Model): Promise<Uint8Array> {
  const n = 4;
  const ds = randomDataset(model, n);
  const samples: Record<string, HostTensor>[] = [];
  for (let i = 0; i < n; i++) samples.push((await ds.get(i)).inputs);
  const arrays: Record<string, HostTensor> = {};
  for (const name of Object.keys(samples[0]!)) {
    const first = samples[0]![name]!;
    const per = first.data.length;
    const data = new (first.data.constructor as new (n: number) => Float32Array)(per * n);
    samples.forEach((s, i) => data.set(s[name]!.data as unknown as ArrayLike<number>, i * per));
    arrays[name] = { type: first.type, dims: [n, ...first.dims], data };
  }
  arrays.labels = { type: "int64", dims: [n], data: BigInt64Array.from([0n, 1n, 0n, 1n]) };
  return encodeNpz(arrays);
}

// --- hand-built seeds -------------------------------------------------------------------------

function weights(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 0.5);
}

/** x[batch,16] → MatMul → Add → Relu → Gemm → Softmax, with a Constant node and a Reshape. */
function mlp(): Model {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["batch", 16]);
  const w1 = b.initializer("w1", Tensor.fromArray(DataType.FLOAT, [16, 64], weights(1024, 1)));
  const b1 = b.initializer("b1", Tensor.fromArray(DataType.FLOAT, [64], weights(64, 2)));
  const h = b.op("Relu", [b.op("Add", [b.op("MatMul", [x, w1], {}, { name: "mm1" }), b1], {}, { name: "add1" })], {}, { name: "relu1" });
  const shape = model.graph.addNode("Constant", [], { value: attr.tensor(Tensor.fromArray(DataType.INT64, [2], BigInt64Array.from([-1n, 64n]))) }, { name: "shape" }).output(0);
  const r = b.op("Reshape", [h, shape], {}, { name: "reshape" });
  const w2 = b.initializer("w2", Tensor.fromArray(DataType.FLOAT, [10, 64], weights(640, 3)));
  const b2 = b.initializer("b2", Tensor.fromArray(DataType.FLOAT, [10], weights(10, 4)));
  const g = b.op("Gemm", [r, w2, b2], { transB: attr.int(1) }, { name: "gemm" });
  b.output(b.op("Softmax", [g], { axis: attr.int(-1) }, { name: "softmax" }), "probs");
  return model;
}

/** If on a condition computed from the input; the branches read an outer MatMul weight and value. */
function ifModel(): Model {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, ["batch", 32]);
  const w = b.initializer("w", Tensor.fromArray(DataType.FLOAT, [32, 32], weights(1024, 5)));
  const h = b.op("MatMul", [x, w], {}, { name: "mm_outer" });
  // A scalar condition computed in the graph, so the only input is a batch of x.
  const cond = b.op("Greater", [b.op("ReduceSum", [x], { keepdims: attr.int(0) }, { name: "total" }), b.constant([0], [], DataType.FLOAT, "zero")], {}, { name: "cond" });
  const branch = (name: string, op: string) => {
    const g = model.graph.createSubgraph(name);
    const inner = g.addNode("MatMul", [h, w], {}, { name: `${name}_mm` }).output(0);
    const out = g.addNode(op, [inner], {}, { name: `${name}_act` }).output(0);
    out.type = { kind: "tensor", dtype: DataType.FLOAT, shape: ["batch", 32] };
    g.addOutput(out);
    return g;
  };
  const y = model.graph.addNode("If", [cond], { then_branch: attr.graph(branch("then", "Relu")), else_branch: attr.graph(branch("else", "Neg")) }, { name: "choose" }).output(0);
  b.output(b.op("Add", [y, h], {}, { name: "sum" }), "y");
  return model;
}

/** Loop of 3 steps: the carried [1,16] state goes through MatMul(outer weight) and Tanh. */
function loopModel(): Model {
  const { model, builder: b } = createModel({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [1, 16]);
  const w = b.initializer("w", Tensor.fromArray(DataType.FLOAT, [16, 16], weights(256, 6)));
  const trip = b.constant([3], [], DataType.INT64, "trip");
  const cond = b.initializer("keep_going", Tensor.fromArray(DataType.BOOL, [], Uint8Array.from([1])));
  const body = model.graph.createSubgraph("body");
  body.addInput("i", { kind: "tensor", dtype: DataType.INT64, shape: [] });
  const cin = body.addInput("cond_in", { kind: "tensor", dtype: DataType.BOOL, shape: [] });
  const state = body.addInput("state", { kind: "tensor", dtype: DataType.FLOAT, shape: [1, 16] });
  const next = body.addNode("Tanh", [body.addNode("MatMul", [state, w], {}, { name: "body_mm" }).output(0)], {}, { name: "body_tanh" }).output(0);
  next.type = { kind: "tensor", dtype: DataType.FLOAT, shape: [1, 16] };
  const cout = body.addNode("Identity", [cin], {}, { name: "body_cond" }).output(0);
  cout.type = { kind: "tensor", dtype: DataType.BOOL, shape: [] };
  body.addOutput(cout);
  body.addOutput(next);
  const [final] = model.graph.addNode("Loop", [trip, cond, x], { body: attr.graph(body) }, { name: "loop", outputs: 1 }).outputs;
  b.output(b.op("Relu", [final!], {}, { name: "out_relu" }), "y");
  return model;
}

/** int64 ids[batch,8] → Gather(embedding 100x32) → ReduceMean → MatMul → logits[batch,4]. */
function embedModel(): Model {
  const { model, builder: b } = createModel({ opset: 17 });
  const ids = b.input("input_ids", DataType.INT64, ["batch", 8]);
  const table = b.initializer("embedding", Tensor.fromArray(DataType.FLOAT, [100, 32], weights(3200, 7)));
  const e = b.op("Gather", [table, ids], { axis: attr.int(0) }, { name: "embed" });
  const mean = b.op("ReduceMean", [e], { axes: attr.ints([1]), keepdims: attr.int(0) }, { name: "pool" });
  const w = b.initializer("head", Tensor.fromArray(DataType.FLOAT, [32, 4], weights(128, 8)));
  b.output(b.op("MatMul", [mean, w], {}, { name: "head_mm" }), "logits");
  return model;
}

/** The mlp with w1 stored as a sparse initializer (every other element zero). */
function sparseModelBytes(): Uint8Array {
  const m = mlp();
  const p = fromBinary(ModelProtoSchema, serializeModel(m));
  const g = p.graph!;
  const i = g.initializer.findIndex((t) => t.name === "w1");
  const dense = new Float32Array(Uint8Array.from(g.initializer[i]!.rawData).buffer);
  const idx: bigint[] = [];
  const vals: number[] = [];
  dense.forEach((v, k) => {
    if (k % 2 === 0) (idx.push(BigInt(k)), vals.push(v));
  });
  g.initializer.splice(i, 1);
  g.sparseInitializer.push(
    create(SparseTensorProtoSchema, {
      values: create(TensorProtoSchema, { name: "w1", dataType: DataType.FLOAT, dims: [BigInt(vals.length)], floatData: vals }),
      indices: create(TensorProtoSchema, { name: "w1_indices", dataType: DataType.INT64, dims: [BigInt(idx.length)], int64Data: idx }),
      dims: [16n, 64n],
    }),
  );
  return toBinary(ModelProtoSchema, p);
}
