// Dataset flags shared by every command that reads data (eval now; static calibration and
// training later), turned into the one DataOptions object the data module takes.

import type { Command } from "commander";
import type { DataOptions } from "../data/dataset.js";
import { collectDim, collectInputKeys, imageSize, numberList, oneOf, positiveInt } from "./options.js";

/** The data options as the CLI parses them (every DataOptions field except lowercase), plus --dim. */
export type DataFlags = Omit<DataOptions, "lowercase" | "inputKeys"> & { dim?: Record<string, number>; inputKey?: DataOptions["inputKeys"] };

const DATA_KEYS = ["labels", "mean", "std", "layout", "color", "size", "vocab", "tokenizer", "maxLength", "textColumn", "labelColumn", "includeTokenTypeIds", "limit", "labelKey"] as const;

export function addDataOptions(cmd: Command): Command {
  return cmd
    .option("--labels <file>", "label file paired with an idx image file")
    .option("--mean <v>", "image normalization: pixels scaled to [0,1], then (x - mean) / std; one value or one per channel", numberList("--mean"))
    .option("--std <v>", "see --mean (default 1)", numberList("--std"))
    .option("--layout <l>", "image tensor layout: nchw or nhwc (default nchw)", oneOf("--layout", ["nchw", "nhwc"] as const))
    .option("--color <c>", "image channels: rgb, bgr or gray (default gray for idx, rgb for image files)", oneOf("--color", ["rgb", "bgr", "gray"] as const))
    .option("--size <HxW>", "resize images, e.g. 224 or 224x224", imageSize)
    .option("--vocab <file>", "WordPiece vocab.txt for text data")
    .option("--tokenizer <file>", "tokenizer.json (WordPiece) for text data")
    .option("--max-length <n>", "text: tokens per sample including [CLS]/[SEP] (default 128)", positiveInt("--max-length"))
    .option("--text-column <name>", "text: column or JSON key holding the text")
    .option("--label-column <name>", "text: column or JSON key holding the label")
    .option("--include-token-type-ids", "text: also feed token_type_ids (zeros)")
    .option("--input-key <entry[=input]>", ".npz: entry holding a model input, optionally fed to the input named after '=' (repeatable or comma-separated; default: entries named like the model's inputs, or the one non-scalar entry)", collectInputKeys)
    .option("--label-key <entry>", ".npz: entry holding the labels (default: labels, label or y)")
    .option("--limit <n>", "use only the first N samples", positiveInt("--limit"))
    .option("--dim <name=value>", "symbolic dimension for random data (e.g. --dim sequence=128), repeatable", collectDim);
}

export function dataOptions(f: DataFlags): DataOptions {
  const o: DataOptions = {};
  for (const k of DATA_KEYS) {
    if (f[k] !== undefined) (o as Record<string, unknown>)[k] = f[k];
  }
  if (f.inputKey?.length) o.inputKeys = f.inputKey;
  return Object.freeze(o);
}
