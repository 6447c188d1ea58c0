import { test } from "node:test";
import assert from "node:assert/strict";
import { bindInputs } from "./bind-inputs.js";
import { hostFrom } from "./host-values.js";
import { POSITIONAL_INPUT } from "./positional-input.js";

const t = hostFrom("float32", [1], [1]);

test("a positional dataset feeds the model's first input", () => {
  const bind = bindInputs({ inputNames: null, description: "idx" }, ["Input3"]);
  assert.deepEqual(bind({ [POSITIONAL_INPUT]: t }), { Input3: t });
  assert.throws(() => bindInputs({ inputNames: null, description: "x.npy" }, ["a", "b"]), {
    message: "the model takes 2 inputs (a, b) but x.npy provides one unnamed array; save an .npz with one array per input name",
  });
});

test("named inputs bind by name, extras are dropped, a lone pair binds whatever its names", () => {
  const text = { inputNames: ["input_ids", "attention_mask"], description: "text" };
  const bind = bindInputs(text, ["input_ids"]);
  assert.deepEqual(Object.keys(bind({ input_ids: t, attention_mask: t })), ["input_ids"]);
  assert.throws(() => bindInputs(text, ["input_ids", "attention_mask", "token_type_ids"]), { message: /needs input token_type_ids that text does not provide \(it has input_ids, attention_mask\); pass --include-token-type-ids/ });
  assert.throws(() => bindInputs({ inputNames: ["a", "b"], description: "d.npz" }, ["x", "a"]), { message: /needs input x that d\.npz does not provide .*save the data as an \.npz with arrays named 'x'/ });
  assert.deepEqual(bindInputs({ inputNames: ["pixels"], description: "p.npz" }, ["input.1"])({ pixels: t }), { "input.1": t });
});

test("a missing input with an entry listing says it once, briefly", () => {
  const ds = { inputNames: ["input_ids"], description: "npz /a/long/path/embed.eval.npz (4 x {input_ids: int64[8]}) with labels 'labels'", entries: "embed.eval.npz holds input_ids int64[4,8], labels int64[4]" };
  assert.throws(() => bindInputs(ds, ["input_ids", "unused_in"]), {
    message: "the model needs input unused_in, which the data does not provide: embed.eval.npz holds input_ids int64[4,8], labels int64[4]; say which entry feeds which input with --input-key <entry>=<input>",
  });
});
