// bin/quanta.js runs the CLI under a watcher (src/cli/watch.ts): a model that makes ONNX Runtime
// crash the process still gets one `quanta: error:` line and exit code 1, nothing else.

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

test("a model that crashes ONNX Runtime gets one error line and exit code 1, and no temp files are left", () => {
  const dir = tempDir();
  const tmp = tempDir();
  const model = join(dir, "optional.onnx");
  emptyOptionalModel(model);
  for (const args of [["bench", model, "--runs", "1"], ["compare", model, model, "--samples", "1"]]) {
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "quanta.js"), ...args], { encoding: "utf8", env: { ...process.env, TMPDIR: tmp }, timeout: 120_000 });
    assert.equal(r.status, 1, `${args[0]}: ${r.signal ?? ""} ${r.stderr}`);
    const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^quanta: error: /);
    assert.ok(lines[0]!.length <= 300 + "quanta: error: ".length, lines[0]);
    assert.equal(r.stdout, "");
  }
  assert.deepEqual(readdirSync(tmp), []);
});
