import { test } from "node:test";
import assert from "node:assert/strict";
import { quoteName } from "./errors.js";

test("quoteName clips the escaped text, so a name of control characters stays short", () => {
  const q = quoteName("\u0000".repeat(5000));
  assert.ok(q.length < 100, `${q.length}: ${q}`);
  assert.equal(q, `"${"\\u0000".repeat(8)}\\u00…00\\u0000" (5,000 characters)`);
  assert.equal(quoteName("a\u0000b"), '"a\\u0000b"');
});
