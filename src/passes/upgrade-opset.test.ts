import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../ir/builder.js";
import { DataType } from "../ir/dtype.js";
import { openSession } from "../runtime/session.js";
import { upgradeOpset } from "./upgrade-opset.js";

test("Scatter (removed in opset 11) becomes ScatterElements; the upgraded model loads and computes the same", async () => {
  const build = () => {
    const { model, builder: b } = createModel({ opset: 10, irVersion: 7 });
    const data = b.input("data", DataType.FLOAT, [3, 3]);
    const idx = b.ints([1, 0, 2, 0, 2, 1], "idx");
    idx.initializer = idx.initializer!.reshape([2, 3]);
    const upd = b.constant([1, 2, 3, 4, 5, 6], [2, 3], DataType.FLOAT, "upd");
    b.output(b.op("Scatter", [data, idx, upd], { axis: 0 }), "y");
    return model;
  };
  const run = async (m: ReturnType<typeof build>) => {
    const s = await openSession(m);
    try {
      return [...((await s.run({ data: { type: "float32", dims: [3, 3], data: new Float32Array(9) } })).y!.data as Float32Array)];
    } finally {
      await s.release();
    }
  };
  const before = await run(build());
  const m = build();
  const r = upgradeOpset(m, 13);
  assert.equal(r.upgraded, true);
  assert.equal(r.rewritten, 1);
  assert.equal(m.graph.nodes[0]!.opType, "ScatterElements");
  assert.deepEqual(await run(m), before);
  assert.deepEqual(before, [4, 2, 0, 1, 0, 6, 0, 5, 3]);
});
