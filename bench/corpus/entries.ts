// What the interop corpus covers: ONNX's backend test models (Debian's libonnx-testdata), the
// PyTorch exports committed under test/fixtures/torch, and the real models in ../shared/models.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../../src/data/fixture-paths.js";
import type { DataOptions } from "../../src/data/dataset.js";

export interface DataSpec {
  /** A dataset file quanta opens with openDataset (idx, npz, …). */
  path: string;
  options?: DataOptions;
  note: string;
}

export interface CorpusEntry {
  suite: "onnx-backend" | "torch" | "shared";
  /** Folder in the test data (node, pytorch-converted, …), or the suite again. */
  group: string;
  name: string;
  path: string;
  /** Calibration and verification data; random inputs when absent. */
  data?: DataSpec;
  /** Expected outputs for the round trip live in the npz (`expected.<output name>` keys). */
  npzExpected?: boolean;
  calibrationSamples?: number;
  verifySamples?: number;
}

export const BACKEND_GROUPS = ["node", "pytorch-converted", "pytorch-operator", "simple"] as const;

/** Where Debian's libonnx-testdata puts ONNX's backend test data (QUANTA_ONNX_TESTDATA overrides). */
export function backendDataDir(): string | undefined {
  const candidates = [process.env.QUANTA_ONNX_TESTDATA, "/usr/share/libonnx-testdata/data", "/usr/lib/python3/dist-packages/onnx/backend/test/data"];
  return candidates.find((d): d is string => !!d && existsSync(join(d, "node")));
}

export const NO_BACKEND_DATA =
  "ONNX backend test data not found (install Debian's libonnx-testdata, or set QUANTA_ONNX_TESTDATA to its data folder)";

export function backendEntries(dir = backendDataDir()): CorpusEntry[] {
  if (!dir) return [];
  const out: CorpusEntry[] = [];
  for (const group of BACKEND_GROUPS) {
    const gdir = join(dir, group);
    if (!existsSync(gdir)) continue;
    for (const name of readdirSync(gdir).sort()) {
      const path = join(gdir, name, "model.onnx");
      if (existsSync(path)) out.push({ suite: "onnx-backend", group, name, path });
    }
  }
  return out;
}

/** The "real" group only names models to download (data.json): none ships in the package. */
export function backendDownloadOnly(dir = backendDataDir()): string[] {
  if (!dir || !existsSync(join(dir, "real"))) return [];
  return readdirSync(join(dir, "real")).filter((n) => !existsSync(join(dir, "real", n, "model.onnx"))).sort();
}

export const TORCH_DIR = join(projectRoot, "test", "fixtures", "torch");

/** PyTorch exports: <name>.onnx beside <name>.npz (inputs by input name, PyTorch outputs as expected.<output>). */
export function torchEntries(): CorpusEntry[] {
  if (!existsSync(TORCH_DIR)) return [];
  return readdirSync(TORCH_DIR)
    .filter((f) => f.endsWith(".onnx"))
    .sort()
    .map((f) => {
      const name = f.replace(/\.onnx$/, "");
      const npz = join(TORCH_DIR, `${name}.npz`);
      return {
        suite: "torch" as const,
        group: "torch",
        name,
        path: join(TORCH_DIR, f),
        data: { path: npz, note: "the exporter's own inputs" },
        npzExpected: true,
        calibrationSamples: 100,
        verifySamples: 100,
      };
    });
}

export interface TorchManifestEntry {
  name: string;
  opset: number;
  /** "classes" (class scores) or "lm" (next-token logits over the vocabulary). */
  kind: string;
  description: string;
  parameters: number;
  /** Accuracy on the synthetic training task over the last 20 training batches. */
  train_accuracy: number;
  /** Accuracy of the exported (eval-mode) model on the npz samples; for "lm", over every next-token position. */
  eval_accuracy: number;
  /** Input name → [dtype, shape] of the arrays in the npz. */
  inputs: Record<string, [string, number[]]>;
  /** Input name → shape traced at export. */
  traced: Record<string, number[]>;
  outputs: Record<string, number[]>;
  bytes: number;
}

/** test/fixtures/torch/manifest.json, written by scripts/export-torch-corpus.py. */
export function torchManifest(): TorchManifestEntry[] {
  const p = join(TORCH_DIR, "manifest.json");
  return existsSync(p) ? (JSON.parse(readFileSync(p, "utf8")) as { models: TorchManifestEntry[] }).models : [];
}

/** ../shared/models with their real test sets (see ../shared/README.md). */
export function sharedEntries(): CorpusEntry[] {
  const shared = join(projectRoot, "..", "shared");
  const mnist = join(shared, "data", "mnist", "t10k-images-idx3-ubyte.gz");
  const fmnist = join(shared, "data", "fashion-mnist", "t10k-images-idx3-ubyte.gz");
  const cases: [string, string, DataSpec["options"]][] = [
    ["mnist-12.onnx", mnist, {}],
    ["mnist-cnn-ruiyangju.onnx", mnist, {}],
    ["fmnist-cnn-edwin19.onnx", fmnist, {}],
    ["fmnist-cnn-lazybogdi.onnx", fmnist, { mean: [0.5], std: [0.5] }],
  ];
  return cases
    .filter(([f, d]) => existsSync(join(shared, "models", f)) && existsSync(d))
    .map(([f, d, options]) => ({
      suite: "shared" as const,
      group: "shared",
      name: f.replace(/\.onnx$/, ""),
      path: join(shared, "models", f),
      data: { path: d, options: options ?? {}, note: d.includes("fashion") ? "Fashion-MNIST test images" : "MNIST test digits" },
      calibrationSamples: 100,
      verifySamples: 100,
    }));
}
