// Table-driven evaluation tests: per operator and per attribute type, on single-valued,
// multi-valued, complex, value-path and schema-URN paths. Each row lists the users that match;
// the other sample users are the negative cases.
import { describe, expect, it } from 'vitest';
import { compileFilter, isPresent } from '../../../src/filter/evaluate.ts';
import { parseFilter } from '../../../src/filter/parser.ts';
import { CORE_USER, ENTERPRISE, GROUP, GROUPS, USER, bjensen, matching } from './fixtures.ts';

const check = (filter: string, resource: Record<string, unknown>) => compileFilter(parseFilter(filter), USER)(resource);
const E = ENTERPRISE;

type Row = [filter: string, expected: string[]];
const table = (name: string, rows: Row[]) =>
  describe(name, () => {
    it.each(rows)('%s', (filter, expected) => expect(matching(filter)).toEqual(expected));
  });

table('string, caseExact false (userName "bjensen", "JSmith", "mwork", "nobody")', [
  ['userName eq "BJENSEN"', ['bjensen']],
  ['userName eq "bjens"', []],
  ['userName ne "BJENSEN"', ['jsmith', 'mixed', 'nobody']],
  ['userName co "JENS"', ['bjensen']],
  ['userName co "o"', ['mixed', 'nobody']],
  ['userName sw "BJ"', ['bjensen']],
  ['userName sw "jensen"', []],
  ['userName ew "SEN"', ['bjensen']],
  ['userName ew "smith"', ['jsmith']],
  ['userName gt "k"', ['mixed', 'nobody']],
  ['userName ge "MWORK"', ['mixed', 'nobody']],
  ['userName lt "JSMITH"', ['bjensen']],
  ['userName le "JSMITH"', ['bjensen', 'jsmith']],
]);

table('string, caseExact true (id)', [
  ['id eq "2819c223-7f76-453a-919d-413861904646"', ['bjensen']],
  ['id eq "2819C223-7F76-453A-919D-413861904646"', []],
  ['id co "7f76"', ['bjensen']],
  ['id co "7F76"', []],
  ['id sw "C0FFEE"', []],
  ['id sw "c0ffee"', ['mixed']],
  ['id ew "0002"', ['nobody']],
  // 'c' (0x63) sorts after 'C' (0x43) only when case is significant.
  ['id gt "2819C"', ['bjensen', 'mixed', 'nobody']],
  ['id lt "2819C"', ['jsmith']],
  ['id ne "26118915-6090-4610-87e4-49d8ca9f808d"', ['bjensen', 'mixed', 'nobody']],
]);

table('reference (meta.location caseExact true) and the schemas pseudo-attribute', [
  ['meta.location co "/v2/Users/"', ['bjensen']],
  ['meta.location co "/V2/users/"', []],
  [`${E}:manager.$ref ew "26118915"`, ['bjensen']],
  [`schemas eq "${E.toUpperCase()}"`, ['bjensen']],
  [`schemas eq "${CORE_USER}"`, ['bjensen', 'jsmith', 'mixed', 'nobody']],
  [`schemas ne "${E}"`, ['jsmith', 'mixed', 'nobody']],
]);

table('dateTime compares instants (meta.lastModified)', [
  ['meta.lastModified eq "2011-05-13T04:42:34Z"', ['bjensen']],
  ['meta.lastModified eq "2011-05-13T06:42:34+02:00"', ['bjensen']],
  ['meta.lastModified eq "2011-05-13t04:42:34.000z"', ['bjensen']],
  ['meta.lastModified eq "2011-05-13T04:42:33Z"', ['nobody']], // stored as 06:42:33+02:00
  ['meta.lastModified ne "2011-05-13T04:42:34Z"', ['jsmith', 'mixed', 'nobody']],
  ['meta.lastModified gt "2011-05-13T04:42:34.999Z"', ['jsmith']],
  ['meta.lastModified gt "2011-05-13"', ['bjensen', 'jsmith', 'nobody']],
  ['meta.lastModified lt "2011-05-13T04:42:33.001Z"', ['nobody']],
  ['meta.created le "2010-12-31T23:59:59-01:00"', ['bjensen', 'jsmith']], // = 2011-01-01T00:59:59Z
  ['meta.created le "2010-12-31T23:59:59+01:00"', ['bjensen']],
  ['meta.created ge "2011-01-01T00:00:00Z"', ['jsmith']],
]);

table('boolean (active, emails.primary), including Entra ID string forms', [
  ['active eq true', ['bjensen']],
  ['active eq false', ['jsmith']],
  ['active ne true', ['jsmith', 'mixed', 'nobody']],
  ['active eq "True"', ['bjensen']],
  ['active eq "FALSE"', ['jsmith']],
  ['emails[type eq "work" and primary eq "True"]', ['bjensen']],
  ['emails[primary EQ "False"]', ['jsmith']],
  ['emails.primary eq true', ['bjensen']],
]);

table('integer and decimal (enterprise loginCount 42, score 7.5)', [
  [`${E}:loginCount eq 42`, ['bjensen']],
  [`${E}:loginCount eq 42.0`, ['bjensen']],
  [`${E}:loginCount eq 4.2e1`, ['bjensen']],
  [`${E}:loginCount ne 42`, ['jsmith', 'mixed', 'nobody']],
  [`${E}:loginCount gt 41.5`, ['bjensen']],
  [`${E}:loginCount gt 42`, []],
  [`${E}:loginCount ge 42`, ['bjensen']],
  [`${E}:loginCount lt 43`, ['bjensen']],
  [`${E}:loginCount le 41`, []],
  [`${E}:score gt 7`, ['bjensen']],
  [`${E}:score lt 7.5`, []],
  [`${E}:score le 7.5`, ['bjensen']],
  [`${E}:score eq -7.5`, []],
]);

table('binary (x509Certificates.value) compares base64 text exactly', [
  ['x509Certificates.value eq "MIIDQzCCAqygAwIBAgICEAAwDQYJ"', ['bjensen']],
  ['x509Certificates.value eq "miidqzccaqygawibagicEAAwDQYJ"', []],
  ['x509Certificates eq "MIIDQzCCAqygAwIBAgICEAAwDQYJ"', ['bjensen']],
  ['x509Certificates.value ne "MIIDQzCCAqygAwIBAgICEAAwDQYJ"', ['jsmith', 'mixed', 'nobody']],
]);

table('multi-valued: any value matches; ne means no value is equal', [
  ['emails.value eq "babs@jensen.org"', ['bjensen']],
  ['emails eq "BABS@JENSEN.ORG"', ['bjensen']],
  ['emails.value ne "babs@jensen.org"', ['jsmith', 'mixed', 'nobody']],
  ['emails.type eq "home"', ['bjensen', 'mixed']],
  ['emails.value ew ".org"', ['bjensen', 'jsmith', 'mixed']],
  ['emails.value gt "m"', ['mixed']],
  ['ims.type eq "xmpp"', ['jsmith']],
]);

table('pr and null', [
  ['title pr', ['bjensen']], // mixed has title "" (empty is not present)
  ['emails pr', ['bjensen', 'jsmith', 'mixed']], // nobody has []
  ['emails.display pr', []],
  ['name pr', ['bjensen']], // nobody's name has only null and "" sub-attributes
  ['name.givenName pr', ['bjensen']],
  ['name.familyName eq ""', ['nobody']],
  ['title eq null', ['jsmith', 'mixed', 'nobody']],
  ['title ne null', ['bjensen']],
  ['emails eq null', ['nobody']],
  [`${E}:manager ne null`, ['bjensen']],
]);

table('missing attributes: comparisons fail, ne succeeds', [
  ['title eq "Tour Guide"', ['bjensen']],
  ['title ne "Tour Guide"', ['jsmith', 'mixed', 'nobody']],
  ['title co ""', ['bjensen', 'mixed']],
  ['not (title co "Tour")', ['jsmith', 'mixed', 'nobody']],
]);

table('complex attributes and value paths', [
  ['name.familyName eq "o\'malley"', ['bjensen']],
  ['emails[type eq "work" and primary eq true]', ['bjensen']],
  ['emails[not (type eq "work")]', ['bjensen', 'mixed']],
  ['emails[type ne "work"]', ['bjensen', 'mixed']],
  ['emails[value pr]', ['bjensen', 'jsmith', 'mixed']],
  ['emails[TYPE eq "WORK" and VALUE ew "@EXAMPLE.COM"]', ['bjensen']],
  ['not (emails[type eq "work"])', ['nobody']],
  ['emails[type eq "work"] and emails[type eq "home"]', ['bjensen', 'mixed']],
  [`${E}:manager[displayName eq "john smith"]`, ['bjensen']],
  [`${E}:manager eq "26118915-6090-4610-87e4-49d8ca9f808d"`, ['bjensen']],
  [`${E}:manager.value eq "26118915-6090-4610-87E4-49D8CA9F808D"`, []],
]);

table('schema URN paths', [
  [`${E}:employeeNumber eq "701984"`, ['bjensen']],
  [`${E}:department sw "tour"`, ['bjensen']],
  [`${E}:manager.displayName co "SMITH"`, ['bjensen']],
  [`${E.toUpperCase()}:EMPLOYEENUMBER eq "701984"`, ['bjensen']],
  [`${CORE_USER}:name.givenName eq "barbara"`, ['bjensen']],
  [`${CORE_USER}:meta.resourceType eq "User"`, ['bjensen', 'jsmith', 'nobody']],
  [`not (${E}:employeeNumber pr)`, ['jsmith', 'mixed', 'nobody']],
]);

table('precedence when evaluating', [
  ['userName eq "bjensen" or userName eq "JSmith" and active eq true', ['bjensen']],
  ['(userName eq "bjensen" or userName eq "JSmith") and active eq false', ['jsmith']],
  ['userType eq "Employee" and not (title pr) or userName eq "nobody"', ['mixed', 'nobody']],
  ['not (userType eq "Employee") and not (userName eq "nobody")', ['jsmith']],
]);

describe('groups', () => {
  it.each([
    ['displayName eq "tour guides"', ['admins']],
    ['members.value eq "902c246b-6245-4190-8e05-00816be7344a"', ['admins']],
    ['members.value eq "902C246B-6245-4190-8E05-00816BE7344A"', []],
    ['members[display co "mandy"]', ['admins']],
    ['members pr', ['admins']],
    ['not (members pr)', ['emptyGroup']],
    ['members.$ref sw "https://"', ['admins']],
  ])('%s', (filter, expected) => expect(matching(filter, GROUPS, GROUP)).toEqual(expected));
});

describe('robustness against malformed stored data', () => {
  const weird: Record<string, unknown>[] = [
    {},
    { userName: 42, emails: { value: 'single@example.com' }, active: 'true', meta: 'nope', [E]: 'nope' },
    { emails: [null, 'text', 7, [{ value: 'x' }]], name: [], title: ['Tour Guide', null], [E]: { loginCount: '42' } },
    { meta: { lastModified: 'not a date' }, x509Certificates: [{ value: 12 }] },
  ];
  const filters = [
    'userName eq "bjensen"',
    'emails.value eq "x"',
    'emails[type eq "work"]',
    'active eq true',
    'meta.lastModified gt "2000-01-01T00:00:00Z"',
    `${E}:loginCount gt 1`,
    'name.givenName pr',
    'x509Certificates.value eq "x"',
  ];

  it('never throws at evaluation time; wrongly typed values never match', () => {
    for (const filter of filters) {
      const predicate = compileFilter(parseFilter(filter), USER);
      for (const resource of weird) expect(predicate(resource)).toBe(false);
    }
  });

  it('reads a single object where an array was expected as one value', () => {
    expect(check('emails.value co "single"', weird[1])).toBe(true);
    expect(check('title eq "Tour Guide"', weird[2])).toBe(true);
  });

  it('lets ne match what eq cannot', () => {
    expect(check('userName ne "bjensen"', weird[0])).toBe(true);
    expect(check(`${E}:loginCount ne 42`, weird[2])).toBe(true);
  });
});

describe('options and helpers', () => {
  it('can refuse Entra ID string booleans', () => {
    expect(() => compileFilter(parseFilter('active eq "True"'), USER, { lenientBooleans: false })).toThrow(
      expect.objectContaining({ scimType: 'invalidFilter' }),
    );
    expect(compileFilter(parseFilter('active eq true'), USER, { lenientBooleans: false })(bjensen)).toBe(true);
  });

  it('compiles once and evaluates many times', () => {
    const predicate = compileFilter(parseFilter('emails[type eq "work"] and userName sw "b"'), USER);
    const results = Array.from({ length: 3 }, () => predicate(bjensen));
    expect(results).toEqual([true, true, true]);
  });

  it.each([
    [undefined, false],
    [null, false],
    ['', false],
    [[], false],
    [{}, false],
    [{ a: null, b: '' }, false],
    [[{ a: '' }, null], false],
    [0, true],
    [false, true],
    ['x', true],
    [[{ a: '' }, { b: 'x' }], true],
  ])('isPresent(%j) is %s', (value, expected) => expect(isPresent(value)).toBe(expected));
});
