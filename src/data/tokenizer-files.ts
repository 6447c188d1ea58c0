// Loading a WordPiece tokenizer from the two files users have: BERT's vocab.txt (one token per
// line, id = line number) or a Hugging Face tokenizer.json with a WordPiece model.

import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { fail, reason } from "./data-error.js";
import { WordPieceTokenizer, type WordPieceConfig } from "./wordpiece.js";

export interface TokenizerFileOptions {
  /** Overrides the file's (or the vocab.txt heuristic's) lowercasing; accents follow it. */
  lowercase?: boolean;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") fail(`${what} not found: ${path} (check the path)`);
    fail(`cannot read ${what} ${path}: ${reason(e)}`);
  }
}

/** Tokens of a vocab.txt in id order (a trailing newline does not add an empty token). */
export function parseVocabTxt(content: string): string[] {
  const lines = content.split("\n").map((l) => l.replace(/\r$/, ""));
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * An uncased vocabulary has no uppercase letters outside its [SPECIAL] tokens, so lowercasing is
 * inferred from the tokens: a cased vocabulary must see text as written.
 */
export function vocabLooksCased(tokens: readonly string[]): boolean {
  return tokens.some((t) => !/^\[.*\]$/.test(t) && t !== t.toLowerCase());
}

export async function loadVocabTxt(path: string, options: TokenizerFileOptions = {}): Promise<WordPieceTokenizer> {
  const tokens = parseVocabTxt(await readText(path, "vocabulary"));
  if (tokens.length === 0) fail(`${basename(path)} is empty; a vocab.txt lists one token per line`);
  return new WordPieceTokenizer({ vocab: tokens, lowercase: options.lowercase ?? !vocabLooksCased(tokens) });
}

interface TokenizerJson {
  model?: { type?: string; vocab?: Record<string, number>; unk_token?: string; continuing_subword_prefix?: string; max_input_chars_per_word?: number };
  normalizer?: Normalizer | null;
  post_processor?: PostProcessor | null;
  added_tokens?: { id: number; content: string }[];
}
interface Normalizer {
  type?: string;
  lowercase?: boolean;
  strip_accents?: boolean | null;
  handle_chinese_chars?: boolean;
  normalizers?: Normalizer[];
}
interface PostProcessor {
  type?: string;
  cls?: [string, number];
  sep?: [string, number];
  single?: ({ SpecialToken?: { id: string } } | { Sequence?: unknown })[];
  processors?: PostProcessor[];
}

export async function loadTokenizerJson(path: string, options: TokenizerFileOptions = {}): Promise<WordPieceTokenizer> {
  const name = basename(path);
  let json: TokenizerJson;
  try {
    json = JSON.parse(await readText(path, "tokenizer"));
  } catch (e) {
    if (e instanceof SyntaxError) fail(`${name} is not valid JSON (${reason(e)}); pass a Hugging Face tokenizer.json`);
    throw e;
  }
  const model = json.model;
  if (!model || typeof model.vocab !== "object" || model.vocab === null || Array.isArray(model.vocab)) {
    fail(`${name} has no WordPiece model.vocab${model?.type ? ` (its model is ${model.type})` : ""}; only BERT-style WordPiece tokenizers are supported`);
  }
  if (model.type !== undefined && model.type !== "WordPiece") {
    fail(`${name} uses a ${model.type} model; only BERT-style WordPiece tokenizers are supported (or pass --vocab vocab.txt)`);
  }
  const vocab = new Map(Object.entries(model.vocab));
  for (const t of json.added_tokens ?? []) if (!vocab.has(t.content)) vocab.set(t.content, t.id);
  const norm = normalization(json.normalizer ?? undefined);
  const lowercase = options.lowercase ?? norm.lowercase;
  const specials = clsSep(json.post_processor ?? undefined);
  const config: WordPieceConfig = {
    vocab,
    lowercase,
    stripAccents: options.lowercase !== undefined ? lowercase : (norm.stripAccents ?? lowercase),
    handleChineseChars: norm.handleChineseChars,
    ...(model.unk_token !== undefined ? { unkToken: model.unk_token } : {}),
    ...(model.continuing_subword_prefix !== undefined ? { continuingPrefix: model.continuing_subword_prefix } : {}),
    ...(model.max_input_chars_per_word !== undefined ? { maxInputCharsPerWord: model.max_input_chars_per_word } : {}),
    ...specials,
  };
  return new WordPieceTokenizer(config);
}

/** Lowercasing/accent stripping from a BertNormalizer, or Lowercase/StripAccents in a Sequence. */
function normalization(n: Normalizer | undefined): { lowercase: boolean; stripAccents?: boolean; handleChineseChars: boolean } {
  const out: { lowercase: boolean; stripAccents?: boolean; handleChineseChars: boolean } = { lowercase: false, handleChineseChars: false };
  const visit = (x: Normalizer | undefined): void => {
    if (!x) return;
    if (x.type === "BertNormalizer") {
      out.lowercase = x.lowercase ?? true;
      if (x.strip_accents !== undefined && x.strip_accents !== null) out.stripAccents = x.strip_accents;
      out.handleChineseChars = x.handle_chinese_chars ?? true;
    } else if (x.type === "Lowercase") out.lowercase = true;
    else if (x.type === "StripAccents") out.stripAccents = true;
    else if (x.type === "Sequence") x.normalizers?.forEach(visit);
  };
  visit(n);
  return out;
}

/** The [CLS]/[SEP] spellings from a BertProcessing or TemplateProcessing post-processor. */
function clsSep(p: PostProcessor | undefined): { clsToken?: string; sepToken?: string } {
  if (!p) return {};
  if (p.type === "BertProcessing" || p.type === "RobertaProcessing") {
    return { ...(p.cls ? { clsToken: p.cls[0] } : {}), ...(p.sep ? { sepToken: p.sep[0] } : {}) };
  }
  if (p.type === "TemplateProcessing" && p.single) {
    const seqAt = p.single.findIndex((x) => "Sequence" in x);
    const special = (x: (typeof p.single)[number] | undefined) => (x && "SpecialToken" in x ? x.SpecialToken?.id : undefined);
    const cls = special(p.single[seqAt - 1]);
    const sep = special(p.single[seqAt + 1]);
    return { ...(cls ? { clsToken: cls } : {}), ...(sep ? { sepToken: sep } : {}) };
  }
  if (p.type === "Sequence") for (const q of p.processors ?? []) {
    const found = clsSep(q);
    if (found.clsToken || found.sepToken) return found;
  }
  return {};
}

/** vocab.txt or tokenizer.json, told apart by the .json extension. */
export async function loadTokenizer(path: string, options: TokenizerFileOptions = {}): Promise<WordPieceTokenizer> {
  return extname(path).toLowerCase() === ".json" ? loadTokenizerJson(path, options) : loadVocabTxt(path, options);
}
