// bin/quanta.js runs the CLI under a watcher (src/cli/watch.ts): a model that makes ONNX Runtime
// crash the process still gets one `quanta: error:` line and exit code 1, nothing else; and the
// outputs known to crash onnxruntime-node are refused before ORT is asked for them.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { AttributeProtoSchema, AttributeProto_AttributeType as AT, ModelProtoSchema, TypeProtoSchema } from "../src/ir/serde/gen/onnx/onnx_pb.js";
import { createModel } from "../src/ir/builder.js";
import { DataType } from "../src/ir/dtype.js";
import { serializeModel } from "../src/ir/serde/save.js";
import { Tensor } from "../src/ir/tensor/tensor.js";
import { packInt4 } from "../src/ir/tensor/int4.js";
import { ROOT, tempDir } from "./helpers.js";

/** A graph output holding an empty optional: onnxruntime-node 1.30 segfaults fetching it. */
function emptyOptionalModel(path: string): void {
  const { model, builder: b } = createModel({ opset: 18 });
  b.output(b.op("Relu", [b.input("x", DataType.FLOAT, ["batch", 2])]), "y");
  const opt = b.op("Optional", [], {}, { name: "empty" });
  const tensor = create(TypeProtoSchema, { value: { case: "tensorType", value: { elemType: DataType.FLOAT } } });
  opt.type = { kind: "other", opaque: create(TypeProtoSchema, { value: { case: "optionalType", value: { elemType: tensor } } }) };
  b.output(opt, "opt");
  const p = fromBinary(ModelProtoSchema, serializeModel(model));
  p.graph!.node.find((n) => n.opType === "Optional")!.attribute.push(create(AttributeProtoSchema, { name: "type", type: AT.TYPE_PROTO, tp: tensor }));
  writeFileSync(path, toBinary(ModelProtoSchema, p));
}

/** A QuantizeLinear to int4 as a graph output: onnxruntime-node 1.30 aborts returning it. */
function int4OutputModel(path: string): void {
  const { model, builder: b } = createModel({ opset: 21 });
  const x = b.input("x", DataType.FLOAT, ["batch", 4]);
  const s = b.initializer("s", Tensor.fromArray(DataType.FLOAT, [], [0.1]));
  const z = b.initializer("z", Tensor.fromArray(DataType.INT4, [], packInt4([0], true)));
  b.output(b.op("QuantizeLinear", [x, s, z]), "q");
  writeFileSync(path, serializeModel(model));
}

const quanta = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [join(ROOT, "bin", "quanta.js"), ...args], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 });

function oneErrorLine(r: ReturnType<typeof quanta>, what: string): string {
  assert.equal(r.status, 1, `${what}: ${r.signal ?? ""} ${r.stderr}`);
  const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^quanta: error: /);
  assert.ok(lines[0]!.length <= 300 + "quanta: error: ".length, lines[0]);
  assert.equal(r.stdout, "");
  return lines[0]!;
}

test("outputs that crash onnxruntime-node (an empty optional: SIGSEGV; int4: abort) are never fetched: quanta's own one-line error", () => {
  const dir = tempDir();
  const optional = join(dir, "optional.onnx");
  emptyOptionalModel(optional);
  const int4 = join(dir, "int4.onnx");
  int4OutputModel(int4);
  assert.match(oneErrorLine(quanta(["compare", optional, optional, "--samples", "1"]), "compare optional"), /output "opt" is a sequence, map or optional value/);
  assert.equal(quanta(["bench", optional, "--runs", "1"]).status, 0, "bench times the tensor output and leaves the optional alone");
  assert.match(oneErrorLine(quanta(["compare", int4, int4, "--samples", "1"]), "compare int4"), /output "q" is a 4-bit tensor/);
  assert.match(oneErrorLine(quanta(["bench", int4, "--runs", "1"]), "bench int4"), /none of the model's outputs \("q"\) is a tensor/);
});

test("a process that really crashes (node out of heap) still ends in one error line and exit code 1, and no temp files are left", () => {
  const tmp = tempDir();
  // 8 MB of heap: enough for the watcher, not for the CLI loading a model.
  const r = quanta(["inspect", join(ROOT, "models", "agnews-encoder.onnx")], { TMPDIR: tmp, NODE_OPTIONS: "--max-old-space-size=8" });
  assert.match(oneErrorLine(r, "inspect"), /ran out of memory/);
  assert.deepEqual(readdirSync(tmp), []);
});

test("a reader that closes the pipe early (`quanta static --help | head -1`) ends the CLI quietly: no EPIPE trace", () => {
  // The shell's own pipe, as a user types it: head exits after one line while quanta still writes.
  const r = spawnSync("bash", ["-c", `set -o pipefail; node ${JSON.stringify(join(ROOT, "bin", "quanta.js"))} static --help | head -1`], { encoding: "utf8", timeout: 60_000 });
  assert.match(r.stdout, /^Usage: quanta static/);
  assert.equal(r.stderr, "", r.stderr);
  assert.equal(r.status, 0, r.stderr);
});
