// A WordPiece tokenizer (BERT's): basic tokenization, then each word split greedily into the
// longest vocabulary pieces from the left, continuation pieces marked "##"; a word that cannot be
// covered, or is over 100 characters, becomes [UNK]. Encoding adds [CLS] ... [SEP].

import { basicTokenize } from "./basic-tokenize.js";
import { fail } from "./data-error.js";

export interface WordPieceConfig {
  /** Tokens by id (vocab.txt order), or a token → id map (tokenizer.json). */
  vocab: readonly string[] | ReadonlyMap<string, number>;
  /** Lowercase before splitting (default true, as for "uncased" BERT). */
  lowercase?: boolean;
  /** Remove accents via NFD (default: same as lowercase, as in BERT). */
  stripAccents?: boolean;
  /** Split CJK ideographs into single tokens (default true). */
  handleChineseChars?: boolean;
  unkToken?: string;
  clsToken?: string;
  sepToken?: string;
  /** Marks a piece that continues a word (default "##"). */
  continuingPrefix?: string;
  /** Longer words become [UNK] outright (default 100). */
  maxInputCharsPerWord?: number;
}

export class WordPieceTokenizer {
  readonly vocab: ReadonlyMap<string, number>;
  readonly lowercase: boolean;
  readonly stripAccents: boolean;
  readonly handleChineseChars: boolean;
  readonly unkToken: string;
  readonly continuingPrefix: string;
  readonly maxInputCharsPerWord: number;
  readonly unkId: number;
  readonly clsId: number;
  readonly sepId: number;

  constructor(config: WordPieceConfig) {
    this.vocab = Array.isArray(config.vocab) ? new Map(config.vocab.map((t, i) => [t, i])) : (config.vocab as ReadonlyMap<string, number>);
    this.lowercase = config.lowercase ?? true;
    this.stripAccents = config.stripAccents ?? this.lowercase;
    this.handleChineseChars = config.handleChineseChars ?? true;
    this.unkToken = config.unkToken ?? "[UNK]";
    this.continuingPrefix = config.continuingPrefix ?? "##";
    this.maxInputCharsPerWord = config.maxInputCharsPerWord ?? 100;
    this.unkId = this.special(this.unkToken);
    this.clsId = this.special(config.clsToken ?? "[CLS]");
    this.sepId = this.special(config.sepToken ?? "[SEP]");
  }

  private special(token: string): number {
    return this.vocab.get(token) ?? fail(`the vocabulary has no ${token} token; use a BERT-style WordPiece vocabulary (or build one with buildWordPieceVocab)`);
  }

  get vocabSize(): number {
    let max = -1;
    for (const id of this.vocab.values()) max = Math.max(max, id);
    return max + 1;
  }

  /** Word pieces of a text, without [CLS]/[SEP]. */
  tokenize(text: string): string[] {
    const words = basicTokenize(text, { lowercase: this.lowercase, stripAccents: this.stripAccents, handleChineseChars: this.handleChineseChars });
    return words.flatMap((w) => this.wordPieces(w));
  }

  /** Greedy longest-match-first split of one word; [UNK] when no full cover exists. */
  wordPieces(word: string): string[] {
    const chars = Array.from(word); // code points, as the reference counts them
    if (chars.length > this.maxInputCharsPerWord) return [this.unkToken];
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let piece: string | undefined;
      while (start < end) {
        const sub = (start > 0 ? this.continuingPrefix : "") + chars.slice(start, end).join("");
        if (this.vocab.has(sub)) {
          piece = sub;
          break;
        }
        end--;
      }
      if (piece === undefined) return [this.unkToken];
      pieces.push(piece);
      start = end;
    }
    return pieces;
  }

  /** Ids of [CLS] + pieces + [SEP], the pieces cut so the total is at most maxLength. */
  encode(text: string, maxLength = 128): number[] {
    if (!Number.isInteger(maxLength) || maxLength < 2) fail(`maxLength must be an integer of at least 2 (room for [CLS] and [SEP]), got ${maxLength}`);
    const ids = [this.clsId];
    for (const piece of this.tokenize(text)) {
      if (ids.length >= maxLength - 1) break;
      ids.push(this.vocab.get(piece) ?? this.unkId);
    }
    ids.push(this.sepId);
    return ids;
  }
}
