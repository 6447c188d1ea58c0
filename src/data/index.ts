// Public API of the data module: opening datasets, batching, NumPy I/O and WordPiece tokenization.

export type { Sample, Dataset, DataOptions } from "./dataset.js";
export { openDataset } from "./open-dataset.js";
export { POSITIONAL_INPUT } from "./positional-input.js";
export { batches, collate, type Batch, type BatchOptions } from "./batches.js";
export { bindInputs, type InputBinding } from "./bind-inputs.js";
export { memoryDataset, type MemoryDatasetOptions } from "./memory-dataset.js";
export { takeFirst } from "./take-first.js";
export { detectFormat, type Detected } from "./detect-format.js";
export { DataError } from "./data-error.js";
export { shuffleInPlace, mulberry32 } from "./seeded-shuffle.js";

export { decodeNpy, encodeNpy, writeNpy, isNpy } from "./npy.js";
export { decodeNpz, encodeNpz, writeNpz, isZip, type NpzOptions } from "./npz.js";
export { hostFrom, numbersOf } from "./host-values.js";
export { openNpy, openNpz, NPZ_LABEL_KEYS } from "./npy-dataset.js";

export { decodeIdx, looksLikeIdx, type IdxArray } from "./idx.js";
export { openIdx } from "./idx-dataset.js";
export { openImageFolder, openImageFile, IMAGE_EXTENSIONS, isImageFile } from "./image-folder-dataset.js";
export { imageSettings, type ImageSettings } from "./image-settings.js";
export { imageTensor } from "./image-tensor.js";

export { basicTokenize, type BasicTokenizeOptions } from "./basic-tokenize.js";
export { WordPieceTokenizer, type WordPieceConfig } from "./wordpiece.js";
export { loadTokenizer, loadVocabTxt, loadTokenizerJson, parseVocabTxt, type TokenizerFileOptions } from "./tokenizer-files.js";
export { buildWordPieceVocab, writeVocab, SPECIAL_TOKENS, type BuildVocabOptions } from "./build-vocab.js";
export { openText, textDataset, TEXT_INPUTS, type TextDatasetOptions } from "./text-dataset.js";
export type { TextRow, TextTable } from "./text-row.js";
export type { TextFormat } from "./text-format.js";
