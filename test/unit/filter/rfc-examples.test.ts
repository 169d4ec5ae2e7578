// Every filter example of RFC 7644 §3.4.2.2 (Figure 2 and the surrounding text), parsed and then
// evaluated against the sample users: the expected lists hold both the matching and (by omission)
// the non-matching users.
import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../../src/filter/parser.ts';
import { printFilter } from '../../../src/filter/print.ts';
import { ENTERPRISE, GROUPS, GROUP, matching } from './fixtures.ts';

const EXAMPLES: [filter: string, expected: string[]][] = [
  ['userName eq "bjensen"', ['bjensen']],
  ['name.familyName co "O\'Malley"', ['bjensen']],
  ['userName sw "J"', ['jsmith']],
  ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"', ['jsmith']],
  ['title pr', ['bjensen']],
  ['meta.lastModified gt "2011-05-13T04:42:34Z"', ['jsmith']],
  ['meta.lastModified ge "2011-05-13T04:42:34Z"', ['bjensen', 'jsmith']],
  ['meta.lastModified lt "2011-05-13T04:42:34Z"', ['nobody']],
  ['meta.lastModified le "2011-05-13T04:42:34Z"', ['bjensen', 'nobody']],
  ['title pr and userType eq "Employee"', ['bjensen']],
  ['title pr or userType eq "Intern"', ['bjensen', 'jsmith']],
  [`schemas eq "${ENTERPRISE}"`, ['bjensen']],
  ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', ['bjensen', 'mixed']],
  ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', ['nobody']],
  ['userType eq "Employee" and (emails.type eq "work")', ['bjensen', 'mixed']],
  ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', ['bjensen']],
  ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', ['bjensen', 'jsmith']],
];

describe('RFC 7644 §3.4.2.2 examples', () => {
  it.each(EXAMPLES)('%s', (filter, expected) => {
    expect(matching(filter)).toEqual(expected);
    // The canonical text means the same thing.
    expect(matching(printFilter(parseFilter(filter)))).toEqual(expected);
  });

  it('treats attribute names and operators case-insensitively ("userName Eq" = "Username eq")', () => {
    expect(parseFilter('userName Eq "john"')).toEqual({ ...parseFilter('Username eq "john"'), path: { attr: 'userName' } });
    expect(matching('USERNAME EQ "BJENSEN"')).toEqual(['bjensen']);
    expect(matching('Username eq "bjensen"')).toEqual(['bjensen']);
  });

  it('distinguishes a value path from independent sub-attribute terms', () => {
    // mixed has a work address and an example.com address, but not one value that is both.
    expect(matching('emails.type eq "work" and emails.value co "@example.com"')).toEqual(['bjensen', 'mixed']);
    expect(matching('emails[type eq "work" and value co "@example.com"]')).toEqual(['bjensen']);
  });

  it('evaluates the RFC 7644 §3.5.2 group member filter', () => {
    const filter = 'members[value eq "2819c223-7f76-453a-919d-413861904646"]';
    expect(matching(filter, GROUPS, GROUP)).toEqual(['admins']);
    expect(matching('members[value eq "2819C223-7F76-453A-919D-413861904646"]', GROUPS, GROUP)).toEqual([]);
    expect(matching('members[type eq "User" and value ew "344a"]', GROUPS, GROUP)).toEqual(['admins']);
  });
});
