// Tokenizer for the filter language of RFC 7644 §3.4.2.2. One forward pass with sticky regexes
// and no backtracking, so lexing is linear in the input whatever it contains.
//
// Keywords (and, or, not, pr, eq, ..., true, false, null) are lexed as plain words: whether `not`
// is an operator or an attribute named "not" depends on where it stands, which only the parser
// knows.
import { excerpt } from '../errors.ts';
import { syntaxError, type SyntaxScimType } from './syntax-error.ts';

export type TokenKind = 'word' | 'string' | 'number' | '(' | ')' | '[' | ']' | '.' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The exact source text of the token. */
  readonly text: string;
  /** 0-based offset of the token's first character. */
  readonly offset: number;
  /** Decoded value of a string or number token. */
  readonly value?: string | number;
}

// A word is an attrPath or a keyword: ATTRNAME characters plus ':' and '.' for the schema URN
// prefix and the sub-attribute, and '$' for RFC 7643's "$ref". Its inner structure is checked by
// the parser, which can then point at the exact offending part.
const WORD = /[A-Za-z$][A-Za-z0-9_$\-.:]*/y;
// RFC 8259 §6 number grammar; a leading '+', leading zeros, '.5' and '5.' are not JSON.
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const WORD_CHAR = /[A-Za-z0-9_$\-.:]/;
const PUNCTUATION = new Set(['(', ')', '[', ']', '.']);
// RFC 7644 separates tokens with SP; other blanks are tolerated because clients wrap long filters.
const BLANK = new Set([' ', '\t', '\r', '\n']);

export function tokenize(input: string, scimType: SyntaxScimType = 'invalidFilter'): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (BLANK.has(ch)) {
      i++;
      continue;
    }
    if (PUNCTUATION.has(ch)) {
      tokens.push({ kind: ch as TokenKind, text: ch, offset: i });
      i++;
      continue;
    }
    if (ch === '"') {
      const token = lexString(input, i, scimType);
      tokens.push(token);
      i += token.text.length;
      continue;
    }
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(input);
      if (!m) throw syntaxError(input, i, 'Invalid number', scimType);
      const end = i + m[0].length;
      // `1abc` or `1.` is a malformed literal, not a number followed by a word.
      if (end < input.length && WORD_CHAR.test(input[end])) {
        throw syntaxError(input, i, 'Invalid number', scimType);
      }
      const value = Number(m[0]);
      if (!Number.isFinite(value)) throw syntaxError(input, i, 'Number out of range', scimType);
      tokens.push({ kind: 'number', text: m[0], offset: i, value });
      i = end;
      continue;
    }
    WORD.lastIndex = i;
    const m = WORD.exec(input);
    if (!m) throw syntaxError(input, i, `Unexpected character '${excerpt(ch, 1)}'`, scimType);
    tokens.push({ kind: 'word', text: m[0], offset: i });
    i += m[0].length;
  }
  tokens.push({ kind: 'eof', text: '', offset: input.length });
  return tokens;
}

/**
 * A JSON string literal ("String literals MUST be valid JSON strings", RFC 7644 §3.4.2.2). The
 * scan only finds the closing quote; JSON.parse then decodes every escape exactly as JSON does.
 */
function lexString(input: string, start: number, scimType: SyntaxScimType): Token {
  let i = start + 1;
  while (i < input.length) {
    const code = input.charCodeAt(i);
    if (code === 0x22) break; // closing quote
    if (code < 0x20) throw syntaxError(input, i, 'Unescaped control character in string', scimType);
    i += code === 0x5c ? 2 : 1; // a backslash always consumes the next character
  }
  if (i >= input.length) throw syntaxError(input, start, 'Unterminated string', scimType);
  const text = input.slice(start, i + 1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw syntaxError(input, start, 'Invalid escape in string', scimType);
  }
  return { kind: 'string', text, offset: start, value: value as string };
}
