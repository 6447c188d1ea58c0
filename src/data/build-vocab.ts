// Building a WordPiece vocabulary from a corpus, the way Hugging Face's WordPiece trainer does:
// start from every character (word-initial "c" and continuation "##c"), then repeatedly merge
// the most frequent adjacent pair of pieces (BPE merges) until the vocabulary is full. Greedy
// longest-match WordPiece then tokenizes with it. Deterministic: ties go to the smaller string.

import { writeFile } from "node:fs/promises";
import { basicTokenize } from "./basic-tokenize.js";
import { fail } from "./data-error.js";
import { PairHeap } from "./pair-heap.js";

/** Special tokens at fixed ids: [PAD]=0 (so zero padding is padding), [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4. */
export const SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] as const;

export interface BuildVocabOptions {
  /** Most tokens, special tokens and characters included (default 8000); fewer when merging runs out. */
  size?: number;
  /** A pair must occur this many times to be merged (default 2). */
  minFrequency?: number;
  /** Lowercase and strip accents first, for an "uncased" vocabulary (default true). */
  lowercase?: boolean;
}

const SEP = "\u0001"; // never in a token: basic tokenization removes control characters
const PREFIX = "##";

/** Tokens in id order, ready for writeVocab / new WordPieceTokenizer({vocab}). */
export function buildWordPieceVocab(texts: Iterable<string>, options: BuildVocabOptions = {}): string[] {
  const size = options.size ?? 8000;
  const minFrequency = options.minFrequency ?? 2;
  const lowercase = options.lowercase ?? true;
  if (!Number.isInteger(size) || size < SPECIAL_TOKENS.length) fail(`vocabulary size must be an integer of at least ${SPECIAL_TOKENS.length}, got ${size}`);
  if (!(minFrequency >= 1)) fail(`minFrequency must be at least 1, got ${minFrequency}`);

  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const w of basicTokenize(text, { lowercase, stripAccents: lowercase, handleChineseChars: true })) {
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  const words: string[][] = [];
  const freq: number[] = [];
  for (const [w, c] of counts) {
    const chars = Array.from(w);
    if (chars.length > 100) continue; // the tokenizer maps these to [UNK] anyway
    words.push(chars.map((ch, i) => (i === 0 ? ch : PREFIX + ch)));
    freq.push(c);
  }

  const vocab: string[] = [...SPECIAL_TOKENS];
  const known = new Set(vocab);
  const add = (t: string): void => {
    if (!known.has(t) && vocab.length < size) {
      known.add(t);
      vocab.push(t);
    }
  };
  for (const t of alphabet(words, freq)) add(t);
  mergePairs(words, freq, minFrequency, () => vocab.length < size, add);
  return vocab;
}

/** Every initial and continuation character, most frequent first. */
function alphabet(words: string[][], freq: number[]): string[] {
  const charCount = new Map<string, number>();
  words.forEach((w, i) => w.forEach((s) => charCount.set(s, (charCount.get(s) ?? 0) + freq[i]!)));
  return [...charCount].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([t]) => t);
}

/** BPE merges over the words' piece sequences (mutated), reporting each new piece to `add`. */
function mergePairs(words: string[][], freq: number[], minFrequency: number, room: () => boolean, add: (t: string) => void): void {
  const pairCount = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();
  const touched = new Set<string>();
  const account = (wi: number, sign: 1 | -1): void => {
    const w = words[wi]!;
    for (let j = 0; j + 1 < w.length; j++) {
      const key = w[j] + SEP + w[j + 1];
      const c = (pairCount.get(key) ?? 0) + sign * freq[wi]!;
      if (c > 0) pairCount.set(key, c);
      else pairCount.delete(key);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(wi);
      }
      touched.add(key);
    }
  };
  words.forEach((_, wi) => account(wi, 1));
  const heap = new PairHeap();
  for (const [key, count] of pairCount) heap.push({ count, key });

  while (room()) {
    const top = heap.pop();
    if (!top) break;
    if (pairCount.get(top.key) !== top.count) continue; // stale entry
    if (top.count < minFrequency) break;
    const [a, b] = top.key.split(SEP) as [string, string];
    const merged = a + b.slice(PREFIX.length);
    add(merged);
    touched.clear();
    for (const wi of pairWords.get(top.key) ?? []) {
      const w = words[wi]!;
      if (!hasPair(w, a, b)) continue;
      account(wi, -1);
      words[wi] = mergeIn(w, a, b, merged);
      account(wi, 1);
    }
    pairWords.delete(top.key);
    for (const key of touched) {
      const c = pairCount.get(key);
      if (c !== undefined) heap.push({ count: c, key });
    }
  }
}

function hasPair(w: string[], a: string, b: string): boolean {
  for (let j = 0; j + 1 < w.length; j++) if (w[j] === a && w[j + 1] === b) return true;
  return false;
}

function mergeIn(w: string[], a: string, b: string, merged: string): string[] {
  const out: string[] = [];
  for (let j = 0; j < w.length; j++) {
    if (j + 1 < w.length && w[j] === a && w[j + 1] === b) {
      out.push(merged);
      j++;
    } else out.push(w[j]!);
  }
  return out;
}

/** Writes tokens one per line (id = line number), the vocab.txt format loadVocabTxt reads. */
export async function writeVocab(path: string, tokens: readonly string[]): Promise<void> {
  const bad = tokens.findIndex((t) => t === "" || /[\n\r]/.test(t));
  if (bad >= 0) fail(`token ${bad} cannot be written to vocab.txt (empty or contains a line break)`);
  await writeFile(path, tokens.join("\n") + "\n", "utf8");
}
