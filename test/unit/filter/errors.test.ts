import { describe, expect, it } from 'vitest';
import { ScimError } from '../../../src/errors.ts';
import { compileFilter } from '../../../src/filter/evaluate.ts';
import { parseFilter } from '../../../src/filter/parser.ts';
import { printFilter } from '../../../src/filter/print.ts';
import { ENTERPRISE, USER, bjensen, jsmith } from './fixtures.ts';

/** The ScimError a call throws (fails the test if it throws anything else or nothing). */
function scimError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    return error as ScimError;
  }
  throw new Error('expected a ScimError');
}

const parseError = (text: string, options?: Parameters<typeof parseFilter>[1]) => scimError(() => parseFilter(text, options));
const compileError = (text: string) => scimError(() => compileFilter(parseFilter(text), USER));

describe('syntax errors', () => {
  // Positions are 1-based: the first character of the filter is position 1.
  it.each([
    ['', 1, 'Expected an attribute path'],
    ['userName eq', 12, 'Expected a value'],
    ['userName xx "a"', 10, 'Expected an operator'],
    ['userName eq "a" and', 20, 'Expected an attribute path'],
    ['userName eq "a" userName eq "b"', 17, "Expected 'and', 'or'"],
    ['(a pr', 6, "Expected ')'"],
    ['a pr)', 5, "Unbalanced ')'"],
    ['a pr]', 5, "Unbalanced ']'"],
    ['emails[type pr', 15, "Expected ']'"],
    ['a eq "unterminated', 6, 'Unterminated string'],
    ['a eq "bad \\x escape"', 6, 'Invalid escape'],
    ['a eq "tab\there"', 10, 'Unescaped control character'],
    ['a eq 01', 6, 'Invalid number'],
    ['a eq 1.', 6, 'Invalid number'],
    ['a eq +1', 6, 'Unexpected character'],
    ['a eq 1e999', 6, 'Number out of range'],
    ['a eq bjensen', 6, 'Expected a value'],
    ['a ~ b', 3, 'Unexpected character'],
    ['emails[type eq "work"].value eq "x"', 23, 'cannot be followed by a sub-attribute'],
    ['emails[emails[type pr]]', 14, 'cannot be nested'],
    ['emails[name.givenName pr]', 8, 'name a sub-attribute'],
    ['name.givenName[value pr]', 1, 'must follow an attribute'],
    ['not a pr', 5, 'Expected an operator'],
  ])('%j fails at position %i', (text, position, message) => {
    const error = parseError(text);
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toContain(message);
    expect(error.detail).toContain(`at position ${position} `);
  });

  it('quotes only a short excerpt of the input', () => {
    const huge = `userName eq "${'x'.repeat(1_000_000)}`; // 1 MB, unterminated
    for (const options of [undefined, { maxLength: Infinity }]) {
      const error = parseError(huge, options);
      expect(error.scimType).toBe('invalidFilter');
      expect(error.detail.length).toBeLessThan(120);
      expect(error.detail).not.toContain('x'.repeat(41));
    }
    expect(parseError(huge).detail).toContain('limit is 10240');
    expect(parseError(`a eq 1 ${'\u0000'.repeat(100)}`).detail).not.toContain('\u0000');
  });

  it('accepts exactly 10,240 characters and rejects one more before lexing', () => {
    const fits = `userName eq "${'x'.repeat(10_240 - 14)}"`;
    expect(fits.length).toBe(10_240);
    expect(parseFilter(fits)).toMatchObject({ kind: 'compare', op: 'eq' });
    expect(parseError(`${fits} `).detail).toContain('10241 characters');
    // Rejected on length, not on its (invalid) content.
    expect(parseError('~'.repeat(10_241)).detail).toContain('limit');
  });

  it('rejects non-string input instead of lexing it', () => {
    expect(scimError(() => parseFilter(['a pr', 'b pr'] as unknown as string)).scimType).toBe('invalidFilter');
  });
});

describe('nesting and size limits', () => {
  const nested = (open: string, close: string, n: number) => `${open.repeat(n)}a pr${close.repeat(n)}`;

  it.each([
    ['(', ')'],
    ['not (', ')'],
    ['not(', ')'],
  ])('allows 50 levels of %j and rejects 51', (open, close) => {
    expect(parseFilter(nested(open, close, 50))).toBeDefined();
    const error = parseError(nested(open, close, 51));
    expect(error.detail).toContain('Nesting deeper than 50 levels');
  });

  it('counts value-path brackets as a level', () => {
    expect(parseFilter(`${'('.repeat(49)}emails[value pr]${')'.repeat(49)}`)).toBeDefined();
    expect(parseError(`${'('.repeat(50)}emails[value pr]${')'.repeat(50)}`).detail).toContain('Nesting deeper');
  });

  it('rejects 10,000 nested parentheses quickly, by size and by depth', () => {
    const deep = nested('(', ')', 10_000);
    const start = performance.now();
    expect(parseError(deep).detail).toContain('limit is 10240');
    const byDepth = parseError(deep, { maxLength: Infinity });
    expect(byDepth.detail).toContain('at position 51 ');
    expect(parseError(nested('not (', ')', 10_000), { maxLength: Infinity }).detail).toContain('Nesting deeper');
    expect(performance.now() - start).toBeLessThan(500);
  });

  it('handles a 10,000-term and chain without recursion (parse, print, compile, evaluate)', () => {
    const text = Array.from({ length: 10_000 }, (_, i) => (i === 9_999 ? 'userName eq "bjensen"' : 'title pr')).join(' and ');
    expect(parseError(text).detail).toContain('limit is 10240');
    const ast = parseFilter(text, { maxLength: Infinity });
    expect(printFilter(ast)).toBe(text);
    const predicate = compileFilter(ast, USER);
    expect(predicate(bjensen)).toBe(true);
    expect(predicate(jsmith)).toBe(false);
    const longest = Array.from({ length: 1_280 }, () => 'a pr').join(' or ');
    expect(longest.length).toBeLessThanOrEqual(10_240);
    expect(parseFilter(longest).kind).toBe('or');
  });

  it('stays linear on hostile inputs of maximum size', () => {
    const inputs = [
      'a'.repeat(10_240),
      `urn:${'a:'.repeat(5_000)}x pr`,
      `a eq "${'\\'.repeat(10_230)}`,
      '"'.repeat(10_240),
      `a pr ${'and '.repeat(2_500)}`,
      '[('.repeat(5_000),
      '-'.repeat(10_240),
    ];
    const start = performance.now();
    for (const input of inputs) {
      try {
        parseFilter(input.slice(0, 10_240));
      } catch (error) {
        expect(error).toBeInstanceOf(ScimError);
      }
    }
    expect(performance.now() - start).toBeLessThan(500);
  });
});

describe('compile-time errors (400 invalidFilter)', () => {
  it.each([
    ['foo eq "x"', "Unknown attribute 'foo'"],
    ['name.middle pr', "Unknown attribute 'name.middle'"],
    ['userName.value eq "x"', "Unknown attribute 'userName.value'"],
    ['emails[foo eq "x"]', "Unknown attribute 'emails.foo'"],
    [`${ENTERPRISE}:userName eq "x"`, 'Unknown attribute'],
    ['urn:example:unknown:1.0:User:title pr', 'Unknown attribute'],
    ['active gt true', "Operator 'gt' cannot be used with active, a boolean attribute"],
    ['emails.primary le false', "Operator 'le' cannot be used"],
    ['x509Certificates.value gt "MII"', "Operator 'gt' cannot be used with x509Certificates.value, a binary attribute"],
    ['x509Certificates.value co "MII"', "Operator 'co' cannot be used"],
    ['active co "t"', "Operator 'co' cannot be used"],
    [`${ENTERPRISE}:loginCount sw 4`, "Operator 'sw' cannot be used"],
    ['meta.created ew "Z"', "Operator 'ew' cannot be used"],
    ['userName eq 1', 'Cannot compare userName, a string attribute, with a number'],
    ['userName eq true', 'with a boolean'],
    [`${ENTERPRISE}:loginCount eq "42"`, `Cannot compare ${ENTERPRISE}:loginCount, a integer attribute, with a string`],
    ['active eq "yes"', 'Cannot compare active'],
    ['active eq 1', 'Cannot compare active'],
    ['meta.lastModified gt "yesterday"', 'xsd:dateTime'],
    ['meta.lastModified gt 1300000000', 'xsd:dateTime'],
    ['name eq "Barbara"', 'name is complex'],
    ['title gt null', 'null can only be used'],
    ['userName[value eq "x"]', 'not a complex attribute'],
  ])('%s', (text, message) => {
    const error = compileError(text);
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toContain(message);
  });

  it('keeps details short even for long attribute names', () => {
    const error = compileError(`a${'b'.repeat(5_000)} pr`);
    expect(error.detail.length).toBeLessThan(160);
    expect(error.detail).not.toContain('b'.repeat(101));
  });
});

describe('hand-built trees the parser would not produce', () => {
  it('rejects nested value paths and qualified paths inside brackets with invalidFilter', () => {
    const inner = { kind: 'present', path: { attr: 'value' } } as const;
    const nested = { kind: 'valuePath', path: { attr: 'emails' }, filter: { kind: 'valuePath', path: { attr: 'emails' }, filter: inner } } as const;
    expect(scimError(() => compileFilter(nested, USER)).detail).toContain('cannot be nested');
    const qualified = { kind: 'valuePath', path: { attr: 'emails' }, filter: { kind: 'present', path: { attr: 'emails', sub: 'value' } } } as const;
    expect(scimError(() => compileFilter(qualified, USER)).detail).toContain("Unknown attribute 'emails.emails.value'");
  });
});
