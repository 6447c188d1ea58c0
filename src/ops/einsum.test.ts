import { test } from "node:test";
import assert from "node:assert/strict";
import { einsumShape } from "./einsum.js";

test("einsum output shapes", () => {
  assert.deepEqual(einsumShape("ij,jk->ik", [[2, 3], [3, 4]]), [2, 4]);
  assert.deepEqual(einsumShape("bhqd,bhkd->bhqk", [["b", 12, "q", 64], ["b", 12, "k", 64]]), ["b", 12, "q", "k"]);
  assert.deepEqual(einsumShape("...ij,...jk->...ik", [[5, 2, 3], [3, 4]]), [5, 2, 4]);
  assert.deepEqual(einsumShape("ij,jk", [[2, 3], [3, 4]]), [2, 4]);
  assert.deepEqual(einsumShape("ba", [[2, 3]]), [3, 2]);
  assert.deepEqual(einsumShape("ii->i", [[4, 4]]), [4]);
  assert.deepEqual(einsumShape("ij->", [[2, 3]]), []);
  assert.equal(einsumShape("ij,jk->ik", [[2, 3], undefined]), undefined);
  assert.throws(() => einsumShape("ij->k", [[2, 3]]), /not in any input/);
});
