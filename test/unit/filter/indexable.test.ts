import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../src/filter/evaluate.ts';
import { indexableEquality } from '../../../src/filter/indexable.ts';
import { parseFilter } from '../../../src/filter/parser.ts';
import { formatPath } from '../../../src/schema/paths.ts';
import { ENTERPRISE, GROUP, USER, USERS } from './fixtures.ts';

const term = (filter: string, rt = USER) => {
  const found = indexableEquality(parseFilter(filter), rt);
  return found && { path: formatPath(found.path), value: found.value, extension: found.path.extension };
};

describe('indexableEquality', () => {
  it.each([
    ['userName eq "bjensen"', 'userName', 'bjensen'],
    ['USERNAME EQ "BJensen"', 'userName', 'BJensen'],
    ['id eq "2819c223"', 'id', '2819c223'],
    ['externalId eq "x" and active eq true', 'externalId', 'x'],
    ['active eq true and displayName eq "Babs"', 'displayName', 'Babs'],
    ['title pr and (userName eq "a" or userName eq "b") and emails.value eq "a@x"', 'emails.value', 'a@x'],
    ['emails.value eq "a@x"', 'emails.value', 'a@x'],
    ['emails eq "a@x"', 'emails.value', 'a@x'],
    ['emails[value eq "a@x" and type eq "work"]', 'emails.value', 'a@x'],
    ['schemas eq "urn:x"', 'schemas', 'urn:x'],
  ])('%s → %s', (filter, path, value) => {
    expect(term(filter)).toMatchObject({ path, value });
  });

  it('reports extension attributes with their extension key', () => {
    expect(term(`${ENTERPRISE}:employeeNumber eq "701984"`)).toEqual({
      path: `${ENTERPRISE}:employeeNumber`,
      value: '701984',
      extension: ENTERPRISE,
    });
  });

  it('finds group member equality', () => {
    expect(term('members.value eq "2819c223"', GROUP)).toMatchObject({ path: 'members.value', value: '2819c223' });
  });

  it.each([
    'userName eq "a" or displayName eq "b"',
    'not (userName eq "a")',
    'userName ne "a"',
    'userName co "a"',
    'userName eq null',
    'active eq true',
    'active eq "True"',
    `${ENTERPRISE}:loginCount eq 42`,
    'meta.lastModified eq "2011-05-13T04:42:34Z"',
    'nope eq "x"',
    'name eq "x"',
    'emails[value eq "a" or type eq "b"]',
    'not (emails[value eq "a"])',
  ])('finds nothing usable in %s', (filter) => {
    expect(term(filter)).toBeUndefined();
  });

  it('lets the caller restrict the choice to indexed paths', () => {
    const indexed = new Set(['userName', 'emails.value']);
    const filter = parseFilter('emails[type eq "work" and value eq "a@x"] and displayName eq "B"');
    expect(indexableEquality(filter, USER)?.value).toBe('work');
    const found = indexableEquality(filter, USER, (p) => indexed.has(formatPath(p)));
    expect(found && [formatPath(found.path), found.value]).toEqual(['emails.value', 'a@x']);
    expect(indexableEquality(parseFilter('displayName eq "B"'), USER, (p) => indexed.has(formatPath(p)))).toBeUndefined();
  });

  it('is a necessary condition: every matching user has the indexed value', () => {
    const filters = [
      'userName eq "BJENSEN" and active eq true',
      'emails[type eq "work" and value eq "bjensen@example.com"]',
      'emails eq "m@example.com" and userType eq "Employee"',
      `schemas eq "${ENTERPRISE}" and title pr`,
      'id eq "26118915-6090-4610-87e4-49d8ca9f808d"',
    ];
    for (const text of filters) {
      const filter = parseFilter(text);
      const found = indexableEquality(filter, USER);
      expect(found).toBeDefined();
      const matches = compileFilter(filter, USER);
      const leaf = found!.path.sub ?? found!.path.attribute;
      const keyFilter = parseFilter(`${formatPath(found!.path)} eq ${JSON.stringify(found!.value)}`);
      const hasKey = compileFilter(keyFilter, USER);
      const users = Object.values(USERS).filter(matches);
      expect(users.length).toBeGreaterThan(0);
      for (const user of users) expect(hasKey(user)).toBe(true);
      expect(typeof leaf.caseExact).toBe('boolean');
    }
  });
});
