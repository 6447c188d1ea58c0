import { test } from "node:test";
import assert from "node:assert/strict";
import { buildZooModel, countInitializers, zooInfo, zooNames } from "./index.js";
import { QuantaError } from "../errors.js";

test("the zoo lists its models", () => {
  assert.deepEqual(zooNames(), ["resnet18", "resnet-tiny", "fmnist-resnet", "bert-base", "agnews-encoder", "bert-tiny"]);
});

test("an unknown name is a one-line error naming the choices", () => {
  for (const f of [() => buildZooModel("resnet50"), () => zooInfo("resnet50")]) {
    assert.throws(f, (e: unknown) => {
      assert.ok(e instanceof QuantaError);
      assert.equal(e.message, 'unknown zoo model "resnet50"; choose one of: resnet18, resnet-tiny, fmnist-resnet, bert-base, agnews-encoder, bert-tiny');
      return true;
    });
  }
});

test("zooInfo gives the full models' counts without generating weights", () => {
  const resnet = zooInfo("resnet18");
  const bert = zooInfo("bert-base");
  assert.equal(resnet.trainableParams, 11_689_512);
  assert.equal(resnet.bufferElements, 9_600);
  assert.equal(resnet.initializerElements, 11_699_112);
  assert.equal(bert.trainableParams, 109_482_240 + 1_538);
  assert.equal(bert.bufferElements, 0);
  // Plus 17 elements of shapes, axes and scalars.
  assert.equal(bert.initializerElements, 109_483_778 + 17);
  for (const name of zooNames()) assert.match(zooInfo(name).description, /^[^\n]+$/);
});

test("zooInfo matches what the tiny models really hold", () => {
  for (const name of ["resnet-tiny", "bert-tiny"]) {
    const info = zooInfo(name);
    const c = countInitializers(buildZooModel(name));
    assert.deepEqual([c.trainable, c.buffers, c.total], [info.trainableParams, info.bufferElements, info.initializerElements], name);
  }
});

test("buildZooModel honours the seed and records it", () => {
  const weight = (seed?: number) => buildZooModel("resnet-tiny", { seed }).graph.initializers.get("conv1.weight")!.initializer!.toFloat32();
  assert.deepEqual(weight(7), weight(7));
  assert.notDeepEqual(weight(7), weight(8));
  assert.deepEqual(weight(), weight(0));
  const m = buildZooModel("bert-tiny", { seed: 3 });
  assert.deepEqual(m.metadata, [
    ["quanta.zoo.architecture", "bert-tiny"],
    ["quanta.zoo.seed", "3"],
  ]);
  assert.equal(m.graph.name, "bert-tiny");
});
