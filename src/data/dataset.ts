// What every command (eval, calibration, training) reads: a random-access collection of samples,
// whatever file format the user brought. Formats live one per file; openDataset picks one.

import type { HostTensor } from "../runtime/host-tensor.js";

/** One example, without a batch axis; `inputs` are keyed by model input name (or POSITIONAL_INPUT). */
export interface Sample {
  inputs: Record<string, HostTensor>;
  label?: number;
}

export interface Dataset {
  /** One line for logs, e.g. "idx images t10k-images-idx3-ubyte.gz (10000 x 28x28) with labels". */
  readonly description: string;
  readonly size: number;
  /** Model input names the samples carry; null = one positional input under POSITIONAL_INPUT. */
  readonly inputNames: readonly string[] | null;
  readonly hasLabels: boolean;
  /** Class names by label index, when labels were strings or folder names. */
  readonly classNames?: readonly string[];
  /** What was subtracted from the file's integer labels (1 when they were 1-based), else 0/absent. */
  readonly labelOffset?: number;
  /** Every entry of the file with its type and shape, for errors when inputs cannot be matched (e.g. "calib.npz holds x float32[100,1,28,28], y int64[100]"). */
  readonly entries?: string;
  /** Model input names the user assigned explicitly (--input-key entry=input): each must exist in the model. */
  readonly assignedInputs?: readonly string[];
  /** Facts worth telling the user about how the file was read (entries ignored, …). */
  readonly notes?: readonly string[];
  get(index: number): Promise<Sample>;
}

export interface DataOptions {
  /** idx label file paired with an idx image file. */
  labels?: string;
  /** Normalization after scaling pixels to [0,1]: (x-mean)/std, one value or one per output channel. */
  mean?: number[];
  std?: number[];
  /** Image tensor layout, default "nchw". */
  layout?: "nchw" | "nhwc";
  /** Output channels; default gray for idx, rgb for image files. mean/std follow this channel order. */
  color?: "rgb" | "bgr" | "gray";
  /** Resize target [height, width]. */
  size?: [number, number];
  /** WordPiece vocab.txt, or HF-style tokenizer.json, for text data. */
  vocab?: string;
  tokenizer?: string;
  /** Lowercase + strip accents; default from the tokenizer (vocab.txt: true unless it holds uppercase tokens). */
  lowercase?: boolean;
  /** Text: truncate to this many tokens including [CLS]/[SEP] (default 128). */
  maxLength?: number;
  /** Text: also emit token_type_ids (all zeros), for models that take them. */
  includeTokenTypeIds?: boolean;
  /** Text column / JSON key names (auto-detected when absent; a number picks a headerless column). */
  textColumn?: string;
  labelColumn?: string;
  /** Use only the first N samples. */
  limit?: number;
  /** .npz: the entries that hold inputs, each fed to the model input `input` (default: the entry's own name). */
  inputKeys?: readonly { key: string; input?: string }[];
  /** .npz: the entry holding the labels (default: labels, label or y). */
  labelKey?: string;
  /**
   * Text labels: map them as this (training) dataset did instead of guessing from this file alone,
   * so an evaluation file that lacks some class is scored against the same class indices.
   */
  labelsLike?: Pick<Dataset, "classNames" | "labelOffset">;
}

export { POSITIONAL_INPUT } from "./positional-input.js";
export { openDataset } from "./open-dataset.js";
export { batches, type Batch, type BatchOptions } from "./batches.js";
