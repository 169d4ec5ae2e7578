import { describe, expect, it } from 'vitest';
import { chain, chainOperands, visit, type Filter } from '../../../src/filter/ast.ts';
import { parseFilter } from '../../../src/filter/parser.ts';
import { printAttrPath, printFilter, printValue } from '../../../src/filter/print.ts';
import { ENTERPRISE } from './fixtures.ts';

const canonical = (text: string) => printFilter(parseFilter(text));
const pr = (attr: string): Filter => ({ kind: 'present', path: { attr } });

describe('printFilter', () => {
  it.each([
    ['USERNAME EQ "x"', 'USERNAME eq "x"'],
    ['a  pr   AND   b PR', 'a pr and b pr'],
    ['(a pr and b pr) or c pr', 'a pr and b pr or c pr'],
    ['a pr and (b pr or c pr)', 'a pr and (b pr or c pr)'],
    ['a pr and (b pr and c pr)', 'a pr and (b pr and c pr)'],
    ['a pr or (b pr or c pr)', 'a pr or (b pr or c pr)'],
    ['(a pr or b pr) or c pr', 'a pr or b pr or c pr'],
    ['not(a pr)', 'not (a pr)'],
    ['not ((a pr))', 'not (a pr)'],
    ['emails[ type eq "work" ]', 'emails[type eq "work"]'],
    ['a eq 1.0', 'a eq 1'],
    ['a eq -0', 'a eq -0'],
    ['a eq 1E3', 'a eq 1000'],
    ['a eq "\\u00e9\\/"', 'a eq "é/"'],
    ['a eq TRUE', 'a eq true'],
    ['a eq NULL', 'a eq null'],
    [`${ENTERPRISE}:manager.value eq "1"`, `${ENTERPRISE}:manager.value eq "1"`],
  ])('%s → %s', (input, expected) => {
    expect(canonical(input)).toBe(expected);
    expect(parseFilter(expected)).toStrictEqual(parseFilter(input));
  });

  it('prints hand-built right-deep chains with the parentheses that preserve their shape', () => {
    const [a, b, c] = ['a', 'b', 'c'].map(pr);
    const right: Filter = { kind: 'and', left: a, right: { kind: 'and', left: b, right: c } };
    expect(printFilter(right)).toBe('a pr and (b pr and c pr)');
    expect(parseFilter(printFilter(right))).toStrictEqual(right);
    expect(printFilter(chain('or', [a, b, c]))).toBe('a pr or b pr or c pr');
  });

  it('prints paths and values', () => {
    expect(printAttrPath({ urn: ENTERPRISE, attr: 'manager', sub: '$ref' })).toBe(`${ENTERPRISE}:manager.$ref`);
    expect(printValue('say "hi"\n')).toBe('"say \\"hi\\"\\n"');
    expect(printValue(null)).toBe('null');
    expect(() => printValue(Number.NaN)).toThrow(RangeError);
    expect(() => printValue(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('AST helpers', () => {
  it('chainOperands walks the left spine and keeps right-nested chains whole', () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(pr);
    expect(chainOperands(parseFilter('a pr and b pr and c pr and d pr') as Filter & { kind: 'and' })).toStrictEqual([a, b, c, d]);
    const nested = parseFilter('a pr or (b pr or c pr)') as Filter & { kind: 'or' };
    expect(chainOperands(nested)).toStrictEqual([a, { kind: 'or', left: b, right: c }]);
    expect(chain('and', [a])).toBe(a);
    expect(() => chain('and', [])).toThrow(RangeError);
  });

  it('visit dispatches on the node kind', () => {
    const countTerms = (f: Filter): number =>
      visit(f, {
        compare: () => 1,
        present: () => 1,
        and: (n) => chainOperands(n).reduce((sum, x) => sum + countTerms(x), 0),
        or: (n) => chainOperands(n).reduce((sum, x) => sum + countTerms(x), 0),
        not: (n) => countTerms(n.filter),
        valuePath: (n) => countTerms(n.filter),
      });
    expect(countTerms(parseFilter('a pr and (b eq 1 or not (c pr)) and emails[type pr and value pr]'))).toBe(5);
  });
});
