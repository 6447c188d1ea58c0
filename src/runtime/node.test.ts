import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../test/helpers.js";

test("opening an ONNX Runtime session leaves nothing in the temp folder (ORT's telemetry files)", () => {
  const tmp = tempDir();
  const script = `
    const { nodeRuntime } = await import(${JSON.stringify(join(process.cwd(), "dist/src/runtime/node.js"))});
    const { openSession } = await import(${JSON.stringify(join(process.cwd(), "dist/src/runtime/session.js"))});
    const { createModel } = await import(${JSON.stringify(join(process.cwd(), "dist/src/ir/builder.js"))});
    const { DataType } = await import(${JSON.stringify(join(process.cwd(), "dist/src/ir/dtype.js"))});
    const { model, builder: b } = createModel({ opset: 17 });
    b.output(b.op("Relu", [b.input("x", DataType.FLOAT, [2])]), "y");
    const s = await openSession(model, { runtime: await nodeRuntime() });
    await s.run({ x: { type: "float32", dims: [2], data: Float32Array.from([-1, 1]) } });
    await s.release();`;
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
  delete env.ORT_DISABLE_TELEMETRY;
  execFileSync(process.execPath, ["--input-type=module", "-e", script], { env, stdio: "pipe" });
  assert.deepEqual(readdirSync(tmp), []);
});
