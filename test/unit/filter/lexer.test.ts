import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../../src/filter/instant.ts';
import { tokenize } from '../../../src/filter/lexer.ts';

const kinds = (text: string) => tokenize(text).map((t) => [t.kind, t.text, t.offset]);

describe('tokenize', () => {
  it('splits words, literals and punctuation with 0-based offsets', () => {
    expect(kinds('emails[type eq "work"].value')).toEqual([
      ['word', 'emails', 0],
      ['[', '[', 6],
      ['word', 'type', 7],
      ['word', 'eq', 12],
      ['string', '"work"', 15],
      [']', ']', 21],
      ['.', '.', 22],
      ['word', 'value', 23],
      ['eof', '', 28],
    ]);
    expect(kinds('not(a pr)')).toEqual([
      ['word', 'not', 0],
      ['(', '(', 3],
      ['word', 'a', 4],
      ['word', 'pr', 6],
      [')', ')', 8],
      ['eof', '', 9],
    ]);
  });

  it('keeps a schema URN, its version dots and the sub-attribute in one word', () => {
    const text = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.$ref';
    expect(kinds(`${text} pr`)[0]).toEqual(['word', text, 0]);
  });

  it('decodes JSON strings and numbers', () => {
    const [s, n, m] = tokenize('"a\\"b\\u0041\\n" -1.5e2 0');
    expect(s.value).toBe('a"bA\n');
    expect(n.value).toBe(-150);
    expect(m.value).toBe(0);
  });

  it('reports errors with the requested scimType', () => {
    expect(() => tokenize('a eq "x', 'invalidPath')).toThrow(expect.objectContaining({ scimType: 'invalidPath' }));
    expect(() => tokenize('a # b')).toThrow(expect.objectContaining({ scimType: 'invalidFilter' }));
  });
});

describe('parseInstant', () => {
  it.each([
    ['2011-05-13T04:42:34Z', Date.UTC(2011, 4, 13, 4, 42, 34)],
    ['2011-05-13T04:42:34.5Z', Date.UTC(2011, 4, 13, 4, 42, 34, 500)],
    ['2011-05-13T04:42:34.123456Z', Date.UTC(2011, 4, 13, 4, 42, 34, 123)],
    ['2011-05-13T06:42:34+02:00', Date.UTC(2011, 4, 13, 4, 42, 34)],
    ['2011-05-12T23:42:34-05:00', Date.UTC(2011, 4, 13, 4, 42, 34)],
    ['2011-05-13T04:42:34', Date.UTC(2011, 4, 13, 4, 42, 34)], // no zone: UTC, never server-local
    ['2011-05-13', Date.UTC(2011, 4, 13)],
    ['2012-02-29T00:00:00Z', Date.UTC(2012, 1, 29)],
    ['2011-05-13T24:00:00Z', Date.UTC(2011, 4, 14)],
    ['0099-01-01T00:00:00Z', Date.parse('0099-01-01T00:00:00Z')],
  ])('%s', (text, expected) => expect(parseInstant(text)).toBe(expected));

  it.each(['', 'yesterday', '2011-5-13', '2011-13-01', '2011-02-29', '2011-04-31T00:00:00Z', '2011-05-13T25:00:00Z',
    '2011-05-13T04:60:00Z', '2011-05-13T24:00:01Z', '2011-05-13 04:42:34Z', '2011-05-13T04:42Z', `2011-05-13T04:42:34.${'1'.repeat(100)}Z`])(
    'rejects %j',
    (text) => expect(parseInstant(text)).toBeUndefined(),
  );
});
