import { test } from "node:test";
import assert from "node:assert/strict";
import { create, equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  SparseTensorProtoSchema,
  TensorProtoSchema,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  TypeProto_TensorSchema,
  ValueInfoProtoSchema,
  type ModelProto,
  type SparseTensorProto,
} from "./gen/onnx/onnx_pb.js";
import { parseModel } from "./load.js";
import { serializeModel } from "./save.js";
import { renameValue } from "../builder.js";
import { Tensor } from "../tensor/tensor.js";
import { DataType } from "../dtype.js";
import { openSession } from "../../runtime/session.js";
import { nodeRuntime } from "../../runtime/node.js";
import { QuantaError } from "../../errors.js";
import type { HostTensor } from "../../runtime/host-tensor.js";

function f32le(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

function i64le(values: number[]): Uint8Array {
  return new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer);
}

function sparse(name: string, dataType: number, dims: number[], values: Uint8Array, nnz: number, indices: number[], indexDims: number[]): SparseTensorProto {
  return create(SparseTensorProtoSchema, {
    values: create(TensorProtoSchema, { name, dataType, dims: [BigInt(nnz)], rawData: values }),
    indices: create(TensorProtoSchema, { name: `${name}_indices`, dataType: DataType.INT64, dims: indexDims.map(BigInt), int64Data: indices.map(BigInt) }),
    dims: dims.map(BigInt),
  });
}

function tensorType(dtype: number, dims: number[]) {
  return create(TypeProtoSchema, {
    value: {
      case: "tensorType",
      value: create(TypeProto_TensorSchema, {
        elemType: dtype,
        shape: create(TensorShapeProtoSchema, { dim: dims.map((d) => create(TensorShapeProto_DimensionSchema, { value: { case: "dimValue", value: BigInt(d) } })) }),
      }),
    },
  });
}

/**
 * y = x + s with s float [3,4] stored sparse (linearized indices), z = c with c int64 [2,3]
 * stored sparse with [NNZ, rank] coordinates, h = f16, a float16 [5] with no nonzero entry.
 */
function sparseModel(): ModelProto {
  const s = sparse("s", DataType.FLOAT, [3, 4], f32le([1.5, -2, 7]), 3, [1, 6, 11], [3]);
  const c = sparse("c", DataType.INT64, [2, 3], i64le([5, -9]), 2, [0, 2, 1, 0], [2, 2]);
  const h = create(SparseTensorProtoSchema, {
    values: create(TensorProtoSchema, { name: "h", dataType: DataType.FLOAT16, dims: [0n] }),
    indices: create(TensorProtoSchema, { name: "h_indices", dataType: DataType.INT64, dims: [0n] }),
    dims: [5n],
  });
  const graph = create(GraphProtoSchema, {
    name: "sparse",
    node: [
      create(NodeProtoSchema, { opType: "Add", input: ["x", "s"], output: ["y"], name: "add" }),
      create(NodeProtoSchema, { opType: "Identity", input: ["c"], output: ["z"], name: "id_c" }),
      create(NodeProtoSchema, { opType: "Identity", input: ["h"], output: ["hh"], name: "id_h" }),
    ],
    sparseInitializer: [s, c, h],
    input: [create(ValueInfoProtoSchema, { name: "x", type: tensorType(DataType.FLOAT, [3, 4]) })],
    output: [
      create(ValueInfoProtoSchema, { name: "y", type: tensorType(DataType.FLOAT, [3, 4]) }),
      create(ValueInfoProtoSchema, { name: "z", type: tensorType(DataType.INT64, [2, 3]) }),
      create(ValueInfoProtoSchema, { name: "hh", type: tensorType(DataType.FLOAT16, [5]) }),
    ],
  });
  return create(ModelProtoSchema, { irVersion: 10n, opsetImport: [create(OperatorSetIdProtoSchema, { domain: "", version: 17n })], graph, producerName: "hand-built" });
}

const X: HostTensor = { type: "float32", dims: [3, 4], data: Float32Array.from({ length: 12 }, (_, i) => i / 4) };
const S_DENSE = [0, 1.5, 0, 0, 0, 0, -2, 0, 0, 0, 0, 7];
const C_DENSE = [0n, 0n, 5n, -9n, 0n, 0n];

async function run(bytes: Uint8Array): Promise<Record<string, HostTensor>> {
  const s = await (await nodeRuntime()).createSession(bytes, { optimizationLevel: "disabled" });
  try {
    return await s.run({ x: X });
  } finally {
    await s.release();
  }
}

test("sparse initializers are read dense, written back sparse, and ONNX Runtime agrees on both", async () => {
  const p = sparseModel();
  const bytes = toBinary(ModelProtoSchema, p);
  const model = parseModel(bytes);
  const inits = model.graph.initializers;
  assert.deepEqual([...inits.keys()], ["s", "c", "h"]);
  assert.deepEqual(Array.from(inits.get("s")!.initializer!.toFloat32()), S_DENSE);
  assert.deepEqual(Array.from(inits.get("c")!.initializer!.toArray() as BigInt64Array), C_DENSE);
  assert.deepEqual(Array.from(inits.get("h")!.initializer!.toArray() as Uint16Array), [0, 0, 0, 0, 0]);
  assert.deepEqual(inits.get("c")!.shape, [2, 3]);

  // Untouched: the same message comes back, sparse.
  const again = serializeModel(model);
  assert.ok(equals(ModelProtoSchema, fromBinary(ModelProtoSchema, again), p), "decoded messages differ");

  // ONNX Runtime densifies the original itself; the hand-over gives the same values.
  const expected = { y: S_DENSE.map((v, i) => v + i / 4), z: C_DENSE, hh: [0, 0, 0, 0, 0] };
  for (const out of [await run(bytes), await run(again)]) {
    assert.deepEqual(Array.from(out.y!.data as Float32Array), expected.y);
    assert.deepEqual(Array.from(out.z!.data as BigInt64Array), expected.z);
    assert.deepEqual(Array.from(out.hh!.data as Uint16Array), expected.hh);
  }
  const session = await openSession(model, { optimizationLevel: "disabled" });
  assert.deepEqual(Array.from(((await session.run({ x: X })).y!.data as Float32Array)), expected.y);
  await session.release();
});

test("a renamed sparse initializer stays sparse under its new name; a replaced one is written dense", async () => {
  const model = parseModel(toBinary(ModelProtoSchema, sparseModel()));
  renameValue(model.graph.initializers.get("s")!, "s_renamed");
  const c = model.graph.initializers.get("c")!;
  c.initializer = Tensor.fromArray(DataType.INT64, [2, 3], BigInt64Array.from([1n, 2n, 3n, 4n, 5n, 6n]));
  const out = fromBinary(ModelProtoSchema, serializeModel(model));
  const g = out.graph!;
  // (renaming moves an initializer to the end of the graph's list)
  assert.deepEqual(g.sparseInitializer.map((sp) => sp.values!.name), ["h", "s_renamed"]);
  assert.deepEqual(g.sparseInitializer[1]!.indices!.int64Data, [1n, 6n, 11n]);
  assert.deepEqual(g.initializer.map((t) => t.name), ["c"]);
  assert.deepEqual(Array.from(new BigInt64Array(Uint8Array.from(g.initializer[0]!.rawData).buffer)), [1n, 2n, 3n, 4n, 5n, 6n]);
  const r = await run(toBinary(ModelProtoSchema, out));
  assert.deepEqual(Array.from(r.y!.data as Float32Array), S_DENSE.map((v, i) => v + i / 4));
  assert.deepEqual(Array.from(r.z!.data as BigInt64Array), [1n, 2n, 3n, 4n, 5n, 6n]);
});

test("sparse 4-bit and 8-bit values land on the right elements", () => {
  const p = sparseModel();
  // int4 [3,3]: values -3, 7, -8 (packed two per byte, low nibble first) at (0,1), (1,1), (2,2).
  const int4 = create(SparseTensorProtoSchema, {
    values: create(TensorProtoSchema, { name: "q", dataType: DataType.INT4, dims: [3n], rawData: Uint8Array.from([0x7d, 0x08]) }),
    indices: create(TensorProtoSchema, { name: "q_idx", dataType: DataType.INT64, dims: [3n, 2n], int64Data: [0n, 1n, 1n, 1n, 2n, 2n] }),
    dims: [3n, 3n],
  });
  const u8 = create(SparseTensorProtoSchema, {
    values: create(TensorProtoSchema, { name: "b", dataType: DataType.UINT8, dims: [2n], int32Data: [200, 3] }),
    indices: create(TensorProtoSchema, { name: "b_idx", dataType: DataType.INT64, dims: [2n], int64Data: [4n, 0n] }),
    dims: [5n],
  });
  p.graph!.sparseInitializer.push(int4, u8);
  const m = parseModel(toBinary(ModelProtoSchema, p));
  assert.deepEqual(Array.from(m.graph.initializers.get("q")!.initializer!.toArray() as Int8Array), [0, -3, 0, 0, 7, 0, 0, 0, -8]);
  assert.deepEqual(Array.from(m.graph.initializers.get("b")!.initializer!.toArray() as Uint8Array), [3, 0, 0, 0, 200]);
  assert.ok(equals(ModelProtoSchema, fromBinary(ModelProtoSchema, serializeModel(m)), p));
});

test("damaged sparse initializers are refused by name in one line", () => {
  const cases: [string, (sp: SparseTensorProto) => void, RegExp][] = [
    ["index past the end", (sp) => (sp.indices!.int64Data = [1n, 6n, 12n]), /sparse initializer "s": entry 2 is at position 12, outside its 12 elements/],
    ["negative index", (sp) => (sp.indices!.int64Data = [-1n, 6n, 11n]), /sparse initializer "s": entry 0 is at position -1/],
    ["indices shape", (sp) => ((sp.indices!.dims = [3n, 3n]), (sp.indices!.int64Data = Array(9).fill(0n))), /the indices of sparse initializer "s" have shape \[3,3\]; expected \[3\] or \[3, 2\]/],
    ["int32 indices", (sp) => ((sp.indices!.dataType = DataType.INT32), (sp.indices!.int32Data = [1, 6, 11]), (sp.indices!.int64Data = [])), /indices of sparse initializer "s" are int32; ONNX requires int64/],
    ["no indices", (sp) => delete (sp as { indices?: unknown }).indices, /sparse initializer "s" has 3 values but no indices/],
    ["2-D values", (sp) => (sp.values!.dims = [3n, 1n]), /values must be 1-D/],
    ["too many values", (sp) => ((sp.dims = [2n]), (sp.indices!.int64Data = [0n, 1n, 1n])), /sparse initializer "s" has 3 values for 2 elements/],
    ["huge dense", (sp) => (sp.dims = [2n ** 20n, 2n ** 20n]), /would be float\[1048576,1048576\] dense \(4096 GB\); quanta densifies sparse initializers and refuses ones over 2 GB/],
    ["negative dims", (sp) => (sp.dims = [3n, -4n]), /sparse initializer "s" has dims \[3,-4\]/],
    ["no values", (sp) => delete (sp as { values?: unknown }).values, /sparse initializer #1 has no values tensor/],
    ["coordinates outside", (sp) => ((sp.indices!.dims = [3n, 2n]), (sp.indices!.int64Data = [0n, 0n, 1n, 4n, 2n, 3n])), /index 4 of entry 1 is outside dimension 1 of size 4/],
  ];
  for (const [what, mutate, want] of cases) {
    const p = sparseModel();
    mutate(p.graph!.sparseInitializer[0]!);
    assert.throws(
      () => parseModel(toBinary(ModelProtoSchema, p)),
      (e: unknown) => e instanceof QuantaError && want.test(e.message) && !e.message.includes("\n") && e.message.length <= 300,
      what,
    );
  }
});
