import { describe, expect, it } from 'vitest';
import type { Filter } from '../../../src/filter/ast.ts';
import { parseAttrPath, parseFilter, parsePatchPath } from '../../../src/filter/parser.ts';
import { ENTERPRISE } from './fixtures.ts';

const cmp = (attr: string, op: string, value: unknown, extra: object = {}): Filter =>
  ({ kind: 'compare', path: { attr, ...extra }, op, value }) as Filter;
const pr = (attr: string): Filter => ({ kind: 'present', path: { attr } });

describe('attribute paths', () => {
  it.each([
    ['userName', { attr: 'userName' }],
    ['name.familyName', { attr: 'name', sub: 'familyName' }],
    ['meta.lastModified', { attr: 'meta', sub: 'lastModified' }],
    ['manager.$ref', { attr: 'manager', sub: '$ref' }],
    ['x509Certificates', { attr: 'x509Certificates' }],
    ['my-attr_2', { attr: 'my-attr_2' }],
    [`${ENTERPRISE}:employeeNumber`, { urn: ENTERPRISE, attr: 'employeeNumber' }],
    [`${ENTERPRISE}:manager.displayName`, { urn: ENTERPRISE, attr: 'manager', sub: 'displayName' }],
    ['URN:ietf:params:scim:schemas:core:2.0:User:name.givenName', { urn: 'URN:ietf:params:scim:schemas:core:2.0:User', attr: 'name', sub: 'givenName' }],
  ])('%s', (text, path) => {
    expect(parseAttrPath(text)).toStrictEqual(path);
    expect(parseFilter(`${text} pr`)).toStrictEqual({ kind: 'present', path });
  });

  it.each(['1abc', 'name.', 'name.given.family', 'urn:x', 'urn::a', 'a$b', 'foo:bar', 'urn:a:b:', '-x'])(
    'rejects %s',
    (text) => {
      expect(() => parseAttrPath(text)).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidPath' }));
      expect(() => parseFilter(`${text} pr`)).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidFilter' }));
    },
  );
});

describe('operators and literals', () => {
  it.each(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'])('parses %s in any case', (op) => {
    expect(parseFilter(`title ${op} "x"`)).toStrictEqual(cmp('title', op, 'x'));
    expect(parseFilter(`title ${op.toUpperCase()} "x"`)).toStrictEqual(cmp('title', op, 'x'));
    expect(parseFilter(`title ${op[0].toUpperCase()}${op[1]} "x"`)).toStrictEqual(cmp('title', op, 'x'));
  });

  it.each([
    ['"plain"', 'plain'],
    ['"quote \\" backslash \\\\ slash \\/"', 'quote " backslash \\ slash /'],
    ['"\\b\\f\\n\\r\\t"', '\b\f\n\r\t'],
    ['"\\u00e9\\uD83D\\uDE00"', 'é😀'],
    ['"O\'Malley"', "O'Malley"],
    ['""', ''],
    ['0', 0],
    ['-12', -12],
    ['3.25', 3.25],
    ['1e3', 1000],
    ['-2.5E-2', -0.025],
    ['true', true],
    ['FALSE', false],
    ['Null', null],
  ])('compValue %s', (literal, value) => {
    expect(parseFilter(`a eq ${literal}`)).toStrictEqual(cmp('a', 'eq', value));
  });

  it('accepts the Entra ID forms', () => {
    expect(parseFilter('emails[type eq "work" and primary EQ "True"]')).toStrictEqual({
      kind: 'valuePath',
      path: { attr: 'emails' },
      filter: { kind: 'and', left: cmp('type', 'eq', 'work'), right: cmp('primary', 'eq', 'True') },
    });
    expect(parseFilter('userName EQ "a" AND externalId Eq "b"')).toStrictEqual({
      kind: 'and',
      left: cmp('userName', 'eq', 'a'),
      right: cmp('externalId', 'eq', 'b'),
    });
  });

  it('tolerates extra blanks and no blank before a string', () => {
    expect(parseFilter('  userName   eq\t"a"\n')).toStrictEqual(cmp('userName', 'eq', 'a'));
    expect(parseFilter('userName eq"a"')).toStrictEqual(cmp('userName', 'eq', 'a'));
  });
});

describe('logical operators and precedence', () => {
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(pr);

  it('binds and tighter than or', () => {
    expect(parseFilter('a pr or b pr and c pr')).toStrictEqual({ kind: 'or', left: a, right: { kind: 'and', left: b, right: c } });
    expect(parseFilter('a pr and b pr or c pr')).toStrictEqual({ kind: 'or', left: { kind: 'and', left: a, right: b }, right: c });
    expect(parseFilter('a pr and b pr or c pr and d pr')).toStrictEqual({
      kind: 'or',
      left: { kind: 'and', left: a, right: b },
      right: { kind: 'and', left: c, right: d },
    });
  });

  it('builds left-deep chains', () => {
    expect(parseFilter('a pr and b pr and c pr')).toStrictEqual({ kind: 'and', left: { kind: 'and', left: a, right: b }, right: c });
    expect(parseFilter('a pr OR b pr Or c pr')).toStrictEqual({ kind: 'or', left: { kind: 'or', left: a, right: b }, right: c });
  });

  it('lets parentheses override precedence and leaves no node for them', () => {
    expect(parseFilter('(a pr or b pr) and c pr')).toStrictEqual({ kind: 'and', left: { kind: 'or', left: a, right: b }, right: c });
    expect(parseFilter('((((a pr))))')).toStrictEqual(a);
    expect(parseFilter('a pr and (b pr and c pr)')).toStrictEqual({ kind: 'and', left: a, right: { kind: 'and', left: b, right: c } });
  });

  it('binds not tightest, with or without a space before the parenthesis', () => {
    const expected = { kind: 'and', left: { kind: 'not', filter: a }, right: b };
    expect(parseFilter('not (a pr) and b pr')).toStrictEqual(expected);
    expect(parseFilter('not(a pr) and b pr')).toStrictEqual(expected);
    expect(parseFilter('NOT (a pr) and b pr')).toStrictEqual(expected);
    expect(parseFilter('not (not (a pr))')).toStrictEqual({ kind: 'not', filter: { kind: 'not', filter: a } });
  });

  it('reads keywords as attribute names where an attribute is expected', () => {
    expect(parseFilter('not pr')).toStrictEqual(pr('not'));
    expect(parseFilter('and eq "x" and or pr')).toStrictEqual({ kind: 'and', left: cmp('and', 'eq', 'x'), right: pr('or') });
    expect(parseFilter('pr pr')).toStrictEqual(pr('pr'));
  });
});

describe('value paths', () => {
  it('parses a value path with a nested logical filter', () => {
    expect(parseFilter('emails[type eq "work" and (value co "@x" or not (primary eq false))]')).toStrictEqual({
      kind: 'valuePath',
      path: { attr: 'emails' },
      filter: {
        kind: 'and',
        left: cmp('type', 'eq', 'work'),
        right: { kind: 'or', left: cmp('value', 'co', '@x'), right: { kind: 'not', filter: cmp('primary', 'eq', false) } },
      },
    });
  });

  it('accepts a URN-qualified bracketed attribute and combines value paths with logic', () => {
    expect(parseFilter(`${ENTERPRISE}:manager[value eq "1"] or emails[value pr]`)).toStrictEqual({
      kind: 'or',
      left: { kind: 'valuePath', path: { urn: ENTERPRISE, attr: 'manager' }, filter: cmp('value', 'eq', '1') },
      right: { kind: 'valuePath', path: { attr: 'emails' }, filter: pr('value') },
    });
  });
});

describe('parsePatchPath (RFC 7644 §3.5.2)', () => {
  it.each([
    ['members', { path: { attr: 'members' } }],
    ['name.familyName', { path: { attr: 'name', sub: 'familyName' } }],
    [`${ENTERPRISE}:manager`, { path: { urn: ENTERPRISE, attr: 'manager' } }],
    ['members[value eq "2819c223"]', { path: { attr: 'members' }, filter: cmp('value', 'eq', '2819c223') }],
    [
      'emails[type eq "work" and value ew "example.com"]',
      {
        path: { attr: 'emails' },
        filter: { kind: 'and', left: cmp('type', 'eq', 'work'), right: cmp('value', 'ew', 'example.com') },
      },
    ],
    ['addresses[type eq "work"].streetAddress', { path: { attr: 'addresses' }, filter: cmp('type', 'eq', 'work'), sub: 'streetAddress' }],
  ])('%s', (text, expected) => {
    expect(parsePatchPath(text)).toStrictEqual(expected);
  });

  it.each(['', 'emails[', 'emails[type eq "work"].', 'emails[type eq "work"].a.b', 'emails[type eq "work"]x', 'emails.value[type pr]', 'a b'])(
    'rejects %j with invalidPath',
    (text) => {
      expect(() => parsePatchPath(text)).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidPath' }));
    },
  );
});
