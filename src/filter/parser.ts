// Recursive-descent parser for the filter grammar of RFC 7644 §3.4.2.2 (Figure 1), and for the
// PATCH path grammar of §3.5.2 (Figure 7) that reuses it. Precedence follows §3.4.2.2: grouping,
// then attribute operators, then "not" over "and" over "or":
//
//   filter  = or EOF
//   or      = and *("or" and)                      ; loop, left-deep
//   and     = unary *("and" unary)                 ; loop, left-deep
//   unary   = "not" "(" or ")" / "(" or ")" / attrPath "[" or "]" / attrPath "pr"
//           / attrPath compareOp compValue
//
// Only "(", "not (" and "[" recurse, and each counts against `maxDepth`; and/or chains are loops,
// so neither the stack nor the running time depends on how many terms a filter has.
import { ScimError } from '../errors.ts';
import { splitPath, type AttrPath } from '../schema/paths.ts';
import { COMPARE_OPS, type CompareOp, type CompValue, type Filter } from './ast.ts';
import { tokenize, type Token, type TokenKind } from './lexer.ts';
import { syntaxError, type SyntaxScimType } from './syntax-error.ts';

export const MAX_FILTER_LENGTH = 10_240;
export const MAX_FILTER_DEPTH = 50;

export interface ParseOptions {
  /** Longer input is rejected before lexing. Default 10,240 characters. */
  readonly maxLength?: number;
  /** Deepest nesting of "(", "not (" and "[". Default 50. */
  readonly maxDepth?: number;
  /** scimType of syntax errors. Default invalidFilter for filters, invalidPath for paths. */
  readonly scimType?: SyntaxScimType;
}

/** A PATCH operation's "path": `attrPath / valuePath [subAttr]` (RFC 7644 §3.5.2). */
export interface PatchPath {
  /** For a value path, the multi-valued attribute (never with `sub`). */
  readonly path: AttrPath;
  /** The value filter between brackets; its paths are sub-attributes of `path`. */
  readonly filter?: Filter;
  /** The sub-attribute after the closing bracket, e.g. "value" in `emails[type eq "work"].value`. */
  readonly sub?: string;
}

/** Parses a complete `filter=` expression. */
export function parseFilter(text: string, options?: ParseOptions): Filter {
  const parser = Parser.create(text, options, 'invalidFilter');
  const filter = parser.or(false);
  parser.end();
  return filter;
}

/** Parses a bare attribute path such as `urn:...:User:manager.value`. */
export function parseAttrPath(text: string, options?: ParseOptions): AttrPath {
  const parser = Parser.create(text, options, 'invalidPath');
  const path = parser.attrPath(parser.expect('word', 'Expected an attribute path'), false);
  parser.end();
  return path;
}

/** Parses a PATCH path, e.g. `members[value eq "2819c223"]` or `emails[type eq "work"].value`. */
export function parsePatchPath(text: string, options?: ParseOptions): PatchPath {
  const parser = Parser.create(text, options, 'invalidPath');
  const first = parser.expect('word', 'Expected an attribute path');
  const path = parser.attrPath(first, false);
  if (parser.peek().kind !== '[') {
    parser.end();
    return { path };
  }
  const filter = parser.valueFilter(first, path);
  if (parser.peek().kind !== '.') {
    parser.end();
    return { path, filter };
  }
  parser.next();
  const subToken = parser.expect('word', 'Expected a sub-attribute name after "."');
  if (!ATTRNAME.test(subToken.text)) parser.fail(subToken, 'Invalid sub-attribute name');
  parser.end();
  return { path, filter, sub: subToken.text };
}

// ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA; plus the "$ref" of RFC 7643.
const ATTRNAME = /^\$?[A-Za-z][A-Za-z0-9_-]*$/;
// `urn:` followed by non-empty colon-separated segments; dots are allowed (`...:2.0:User`).
const SCHEMA_URN = /^urn(?::[A-Za-z0-9_.-]+)+$/i;
const URN_START = /^urn:/i;
const OPERATORS = new Set<string>(COMPARE_OPS);

class Parser {
  private index = 0;
  private depth = 0;

  private constructor(
    private readonly input: string,
    private readonly tokens: readonly Token[],
    private readonly maxDepth: number,
    private readonly scimType: SyntaxScimType,
  ) {}

  static create(text: unknown, options: ParseOptions | undefined, fallback: SyntaxScimType): Parser {
    const scimType = options?.scimType ?? fallback;
    // Query parsers hand over arrays when a parameter repeats; never lex anything but a string.
    if (typeof text !== 'string') throw new ScimError(400, 'Expected a single string', scimType);
    const maxLength = options?.maxLength ?? MAX_FILTER_LENGTH;
    if (text.length > maxLength) {
      throw new ScimError(400, `Input is ${text.length} characters long; the limit is ${maxLength}`, scimType);
    }
    return new Parser(text, tokenize(text, scimType), options?.maxDepth ?? MAX_FILTER_DEPTH, scimType);
  }

  peek(): Token {
    return this.tokens[this.index];
  }

  next(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  fail(token: Token, message: string): never {
    throw syntaxError(this.input, token.offset, message, this.scimType);
  }

  expect(kind: TokenKind, message: string): Token {
    const token = this.peek();
    if (token.kind !== kind) this.fail(token, message);
    return this.next();
  }

  end(): void {
    const token = this.peek();
    if (token.kind === 'eof') return;
    if (token.kind === ')') this.fail(token, "Unbalanced ')'");
    if (token.kind === ']') this.fail(token, "Unbalanced ']'");
    if (token.kind === '.') this.fail(token, 'A value path in a filter cannot be followed by a sub-attribute');
    this.fail(token, "Expected 'and', 'or' or the end of the input");
  }

  /** `or` rule; `inner` is true inside a value path's brackets. */
  or(inner: boolean): Filter {
    let left = this.and(inner);
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      left = { kind: 'or', left, right: this.and(inner) };
    }
    return left;
  }

  private and(inner: boolean): Filter {
    let left = this.unary(inner);
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      left = { kind: 'and', left, right: this.unary(inner) };
    }
    return left;
  }

  private unary(inner: boolean): Filter {
    const token = this.peek();
    if (token.kind === '(') return this.group(inner);
    if (token.kind !== 'word') this.fail(token, "Expected an attribute path, '(' or 'not'");
    // `not` is the operator only when a parenthesis follows; otherwise it is an attribute name.
    if (this.isKeyword(token, 'not') && this.tokens[this.index + 1].kind === '(') {
      this.next();
      return { kind: 'not', filter: this.group(inner) };
    }
    this.next();
    const path = this.attrPath(token, inner);
    if (this.peek().kind === '[') {
      if (inner) this.fail(this.peek(), 'Value paths cannot be nested');
      return { kind: 'valuePath', path, filter: this.valueFilter(token, path) };
    }
    const opToken = this.next();
    const op = opToken.kind === 'word' ? opToken.text.toLowerCase() : '';
    if (op === 'pr') return { kind: 'present', path };
    if (!OPERATORS.has(op)) {
      this.fail(opToken, 'Expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr)');
    }
    return { kind: 'compare', path, op: op as CompareOp, value: this.compValue() };
  }

  /** `"(" or ")"`, after an optional `not` has been consumed. */
  private group(inner: boolean): Filter {
    this.enter(this.next());
    const filter = this.or(inner);
    this.expect(')', "Expected ')' or a logical operator");
    this.depth--;
    return filter;
  }

  /** `"[" valFilter "]"` following `path`; a value path names a whole attribute, never `a.b[...]`. */
  valueFilter(pathToken: Token, path: AttrPath): Filter {
    if (path.sub !== undefined) this.fail(pathToken, 'A value filter must follow an attribute, not a sub-attribute');
    this.enter(this.next());
    const filter = this.or(true);
    this.expect(']', "Expected ']' or a logical operator");
    this.depth--;
    return filter;
  }

  private enter(token: Token): void {
    if (++this.depth > this.maxDepth) this.fail(token, `Nesting deeper than ${this.maxDepth} levels`);
  }

  /** compValue = false / null / true / number / string (RFC 7644 §3.4.2.2). */
  private compValue(): CompValue {
    const token = this.next();
    if (token.kind === 'string' || token.kind === 'number') return token.value as CompValue;
    if (token.kind === 'word') {
      const word = token.text.toLowerCase();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
    }
    return this.fail(token, 'Expected a value (a JSON string, number, true, false or null)');
  }

  /** attrPath = [URI ":"] ATTRNAME *1subAttr; the name is after the last colon (`2.0` has a dot). */
  attrPath(token: Token, inner: boolean): AttrPath {
    const text = token.text;
    const path = splitPath(text);
    if (URN_START.test(text) && !SCHEMA_URN.test(path.urn ?? '')) this.fail(token, 'Invalid schema URN');
    if (!ATTRNAME.test(path.attr)) this.fail(token, 'Invalid attribute name');
    if (path.sub !== undefined && !ATTRNAME.test(path.sub)) this.fail(token, 'Invalid sub-attribute name');
    // Inside brackets paths are relative to the bracketed attribute (RFC 7644 §3.4.2.2).
    if (inner && (path.urn !== undefined || path.sub !== undefined)) {
      this.fail(token, 'Inside a value filter, name a sub-attribute of the bracketed attribute');
    }
    return path;
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }
}
