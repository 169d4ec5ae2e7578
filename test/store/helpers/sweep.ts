// A broad sweep of query shapes for the contract suite: every operator on every kind of path
// (simple, sub-attribute, multi-valued, extension, meta, schemas, derived members and groups) with
// literals of the right and the wrong type, compared with the reference memory store. Expected
// outcomes are not written here; the point is that every backend agrees, errors included.
import { ENTERPRISE, type Fixture, type Handle } from './dataset.ts';

/** The filters of one group, as text, for a store's fixture (same length and order for every fixture). */
type Make = (fx: Fixture) => string[];

export interface SweepGroup {
  readonly name: string;
  readonly type: 'User' | 'Group';
  readonly filters: Make;
}

const OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
const q = JSON.stringify;

const STRINGS = ['e', 'E', '', 'engineer', 'alice.anders@example.com', 'é', 'Z'];
const BOOLEANS = [true, false, 'True', 'no', 1];
const INSTANTS = (fx: Fixture) => ['2000-01-01', fx.resource.dave.created, fx.resource.alice.lastModified, 'not a date'];

/** pr, not pr, eq/ne null, and every operator with every literal. */
function sweep(path: string, literals: (fx: Fixture) => readonly unknown[], ops: readonly string[] = OPS): Make {
  return (fx) => [
    `${path} pr`,
    `not (${path} pr)`,
    `${path} eq null`,
    `${path} ne null`,
    ...ops.flatMap((op) => literals(fx).map((l) => `${path} ${op} ${q(l)}`)),
  ];
}

// Ids are random, so only operators whose outcome does not depend on which ids were drawn.
const ID_OPS = ['eq', 'ne', 'co', 'sw', 'ew'];
const idSweep = (path: string) => sweep(path, ids, ID_OPS);

const both = (...makes: Make[]): Make => (fx) => makes.flatMap((m) => m(fx));
const fixed = (...filters: ((fx: Fixture) => string)[]): Make => (fx) => filters.map((f) => f(fx));
const strings = () => STRINGS;
const ids = (fx: Fixture) => [fx.id.engineering, fx.id.allStaff, fx.id.loopA, fx.id.alice];

const group = (name: string, type: 'User' | 'Group', filters: Make): SweepGroup => ({ name, type, filters });

export const SWEEP_FILTERS: readonly SweepGroup[] = [
  group('userName', 'User', sweep('userName', strings)),
  group('title', 'User', sweep('title', strings)),
  group('nickName (empty string)', 'User', sweep('nickName', strings)),
  group('name.familyName', 'User', sweep('name.familyName', strings)),
  group('externalId (caseExact)', 'User', sweep('externalId', () => ['EXT-001', 'ext', 'E', ''])),
  group('id', 'User', sweep('id', (fx) => [fx.id.bob, ''], ID_OPS)),
  group('active (boolean)', 'User', sweep('active', () => BOOLEANS)),
  group('emails (multi-valued)', 'User', sweep('emails', strings)),
  group('emails.type', 'User', sweep('emails.type', () => ['work', 'HOME', 'o', ''])),
  group('emails.primary', 'User', sweep('emails.primary', () => BOOLEANS)),
  group('meta.created (dateTime)', 'User', sweep('meta.created', INSTANTS)),
  group('meta.lastModified', 'User', sweep('meta.lastModified', INSTANTS)),
  group(
    'meta.version, resourceType, location',
    'User',
    both(
      sweep('meta.version', (fx) => [fx.resource.bob.version, 'W/']),
      sweep('meta.resourceType', () => ['User', 'user', 'U']),
      sweep('meta.location', () => ['http']),
    ),
  ),
  group('schemas', 'User', sweep('schemas', () => [ENTERPRISE, 'urn:ietf:params:scim:schemas:core:2.0:user', 'enterprise', 'x'])),
  group('x509Certificates.value (binary)', 'User', sweep('x509Certificates.value', () => ['TUlJQ0VqQ0NBWGVnQXdJQkFnSUJBREFO', 'tU'])),
  group('enterprise employeeNumber', 'User', sweep(`${ENTERPRISE}:employeeNumber`, () => ['0005', '0', '1', ''])),
  group(
    'enterprise manager',
    'User',
    both(
      idSweep(`${ENTERPRISE}:manager.value`),
      idSweep(`${ENTERPRISE}:manager`),
      sweep(`${ENTERPRISE}:manager.displayName`, () => ['bob baker']),
    ),
  ),
  group(
    'groups (derived, nested)',
    'User',
    both(
      idSweep('groups'),
      sweep('groups.display', () => ['Loop A', 'all', 's', '']),
      sweep('groups.type', () => ['direct', 'INDIRECT', 'i']),
      sweep('groups.$ref', () => ['x']),
    ),
  ),
  group(
    'value paths',
    'User',
    fixed(
      () => 'emails[type eq "work"]',
      () => 'emails[value co "EXAMPLE" and not (primary eq true)]',
      () => 'emails[type ne "work"]',
      () => 'emails[primary pr]',
      () => 'emails[value pr and type eq null]',
      () => 'addresses[postalCode gt "9" or locality co "hills"]',
      () => 'roles[primary eq true and value eq "ADMIN"]',
      () => 'name[familyName sw "G"]',
      (fx) => `groups[type eq "direct" and value ne ${q(fx.id.engineering)}]`,
      () => `${ENTERPRISE}:manager[value pr]`,
      () => 'emails[type eq 1]',
      () => 'emails[display pr]',
    ),
  ),
  group(
    'logic',
    'User',
    fixed(
      () => 'title pr and not (title eq "engineer") or active eq false',
      () => 'not (emails pr or title pr)',
      () => 'not (not (active eq true) and userName sw "a")',
      () => '(title eq "Engineer" or title eq "Manager") and not (emails[type eq "home"])',
      () => 'userName eq "dave" or userName eq "ivan" or userName eq "nobody" or userName eq "GRACE"',
    ),
  ),
  group('Group displayName', 'Group', sweep('displayName', () => ['loop', 'E', 'admins', ''])),
  group(
    'Group members (derived)',
    'Group',
    both(
      idSweep('members'),
      sweep('members.type', () => ['user', 'Group', 'u']),
      sweep('members.display', () => ['alice.anders@example.com', 'LOOP', 'e']),
      fixed(
        () => 'members[type eq "User" and display co "example"]',
        (fx) => `members[value eq ${q(fx.id.loopB)} or value eq ${q(fx.id.heidi)}]`,
      ),
    ),
  ),
];

export interface SweepSort {
  readonly type: 'User' | 'Group';
  readonly sortBy: string;
  /** A filter to sort under as well. */
  readonly filter: string;
}

const USER_SORTS = [
  'userName', 'externalId', 'name.familyName', 'name.givenName', 'displayName', 'nickName', 'title', 'active',
  'emails', 'emails.value', 'emails.type', 'emails.primary', 'phoneNumbers', 'addresses.postalCode', 'roles.value',
  'x509Certificates.value', 'meta.created', 'meta.lastModified', 'meta.version', 'meta.resourceType', 'meta.location',
  `${ENTERPRISE}:employeeNumber`, `${ENTERPRISE}:department`, `${ENTERPRISE}:manager.displayName`,
  'groups.display', 'groups.type', 'groups.$ref',
];

/** Sorts by random ids: every store has its own, so the expected order is computed from them. */
export const ID_SORTS: readonly { type: 'User' | 'Group'; sortBy: string; key: (fx: Fixture, h: string) => string | undefined }[] = [
  { type: 'User', sortBy: 'id', key: (fx, h) => fx.id[h as keyof Fixture['id']] },
  {
    type: 'User',
    sortBy: `${ENTERPRISE}:manager.value`,
    key: (fx, h) => (fx.resource[h as keyof Fixture['id']].data[ENTERPRISE] as any)?.manager?.value,
  },
  { type: 'Group', sortBy: 'id', key: (fx, h) => fx.id[h as keyof Fixture['id']] },
  // The first group a user joined, the first member a group got (dataset.ts).
  { type: 'User', sortBy: 'groups', key: (fx, h) => firstOf(fx, FIRST_GROUP, h) },
  { type: 'Group', sortBy: 'members.value', key: (fx, h) => firstOf(fx, FIRST_MEMBER, h) },
];

const FIRST_GROUP: Record<string, Handle> = {
  alice: 'engineering', bob: 'sales', carol: 'engineering', dave: 'allStaff', grace: 'admins', heidi: 'loopB',
};
const FIRST_MEMBER: Record<string, Handle> = {
  engineering: 'alice', sales: 'bob', allStaff: 'engineering', admins: 'alice', loopA: 'loopB', loopB: 'loopA',
};
function firstOf(fx: Fixture, first: Record<string, Handle>, h: string): string | undefined {
  return first[h] && fx.id[first[h]];
}

export const SWEEP_SORTS: readonly SweepSort[] = [
  ...USER_SORTS.map((sortBy) => ({ type: 'User' as const, sortBy, filter: 'active eq true or title pr' })),
  ...['displayName', 'externalId', 'members.display', 'members.type', 'meta.created'].map((sortBy) => ({
    type: 'Group' as const,
    sortBy,
    filter: 'members pr',
  })),
];
