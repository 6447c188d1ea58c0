// BERT's "basic" tokenization, the step before WordPiece: drop control characters, normalize
// whitespace, give each CJK ideograph its own token, optionally lowercase and strip accents, and
// split punctuation into single-character tokens. Mirrors the reference BERT tokenizer so ids
// match vocabularies trained with it.

export interface BasicTokenizeOptions {
  lowercase: boolean;
  stripAccents: boolean;
  handleChineseChars: boolean;
}

const CONTROL = /\p{C}/u; // BERT treats every "Other" category (Cc, Cf, Co, Cn, Cs) as control
const WHITESPACE = /[\t\n\r\p{Zs}]/u;
const PUNCTUATION = /\p{P}/u;
const COMBINING_MARK = /\p{Mn}/gu;

export function basicTokenize(text: string, o: BasicTokenizeOptions): string[] {
  const spaced = clean(text, o.handleChineseChars);
  const out: string[] = [];
  for (let word of spaced.split(" ")) {
    if (word === "") continue;
    if (o.lowercase) word = word.toLowerCase();
    if (o.stripAccents) word = stripAccents(word);
    splitPunctuation(word, out);
  }
  return out;
}

/** Whitespace → " ", control characters removed, spaces around CJK ideographs. */
function clean(text: string, spaceCjk: boolean): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      // ASCII fast path: most text is ASCII and the Unicode-class regexes are slow per character.
      if (cp === 9 || cp === 10 || cp === 13 || cp === 32) out += " ";
      else if (cp >= 32 && cp !== 127) out += ch;
      continue;
    }
    if (WHITESPACE.test(ch)) out += " ";
    else if (cp === 0 || cp === 0xfffd || CONTROL.test(ch)) continue;
    else if (spaceCjk && isCjk(cp)) out += ` ${ch} `;
    else out += ch;
  }
  return out;
}

export function stripAccents(word: string): string {
  return word.normalize("NFD").replace(COMBINING_MARK, "");
}

/** BERT counts all non-alphanumeric printable ASCII (e.g. $ + ^ `) as punctuation, plus Unicode P*. */
export function isPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return PUNCTUATION.test(ch);
}

function splitPunctuation(word: string, out: string[]): void {
  let current = "";
  for (const ch of word) {
    if (isPunctuation(ch)) {
      if (current) out.push(current);
      out.push(ch);
      current = "";
    } else current += ch;
  }
  if (current) out.push(current);
}

/** The CJK Unified Ideograph blocks (not Hangul or Kana, which are written with spaces). */
function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}
