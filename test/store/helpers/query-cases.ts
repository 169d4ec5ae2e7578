// Query cases with their expected results, written out by hand from the semantics of
// src/filter/evaluate.ts and src/query/sort.ts over the dataset (dataset.ts). Literals that depend
// on the store (ids, instants, versions) are functions of its fixture.
import { ENTERPRISE, type Fixture, type GroupHandle, type UserHandle } from './dataset.ts';

type Text = string | ((fx: Fixture) => string);

export interface FilterCase {
  readonly filter: Text;
  readonly users?: readonly UserHandle[];
  readonly groups?: readonly GroupHandle[];
}

const q = (s: string) => JSON.stringify(s);
const ALL: UserHandle[] = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan'];
const except = (...out: UserHandle[]) => ALL.filter((h) => !out.includes(h));
const ALL_GROUPS: GroupHandle[] = ['engineering', 'sales', 'allStaff', 'admins', 'loopA', 'loopB', 'empty'];

export const FILTER_CASES: readonly FilterCase[] = [
  // strings, not caseExact (userName, title, emails.value), beyond ASCII too
  { filter: 'userName eq "ALICE.ANDERS@example.com"', users: ['alice'] },
  { filter: 'userName eq "émile.frank"', users: ['frank'] },
  { filter: 'userName co "EXAMPLE"', users: ['alice', 'bob', 'carol', 'erin'] },
  { filter: 'userName sw "D"', users: ['dave'] },
  { filter: 'userName ew ".COM"', users: ['alice', 'bob', 'carol', 'erin'] },
  { filter: 'userName gt "h"', users: ['frank', 'heidi', 'ivan'] },
  { filter: 'userName le "carol.chen@example.com"', users: ['alice', 'bob', 'carol'] },
  { filter: 'userName ne "DAVE"', users: except('dave') },
  { filter: 'userName co ""', users: ALL },
  { filter: 'title eq "engineer"', users: ['alice', 'dave', 'grace'] },
  { filter: 'title eq "INGÉNIEUR"', users: ['frank'] },
  { filter: 'title ne "engineer"', users: ['bob', 'carol', 'erin', 'frank', 'heidi', 'ivan'] },
  { filter: 'title pr', users: except('carol', 'heidi') },
  { filter: 'not (title pr)', users: ['carol', 'heidi'] },
  { filter: 'title eq null', users: ['carol', 'heidi'] },
  { filter: 'title ne null', users: except('carol', 'heidi') },
  { filter: 'nickName pr', users: ['ivan'] },
  { filter: 'nickName eq ""', users: ['dave'] },
  { filter: 'displayName co "EVANS"', users: ['erin'] },
  { filter: 'name.familyName sw "b"', users: ['bob'] },
  { filter: 'name.givenName eq "GRACE"', users: ['grace'] },
  { filter: 'name pr', users: ['alice', 'bob', 'carol', 'erin', 'grace'] },
  { filter: 'name[givenName pr and familyName pr]', users: ['alice', 'bob', 'carol', 'grace'] },
  // caseExact strings (externalId, id) and binary
  { filter: 'externalId eq "EXT-001"', users: ['alice'] },
  { filter: 'externalId eq "ext-001"', users: ['heidi'] },
  { filter: 'externalId sw "EXT"', users: ['alice', 'carol', 'dave'] },
  { filter: 'externalId ne "EXT-001"', users: except('alice') },
  { filter: 'externalId gt "EXT-004"', users: ['bob', 'heidi'] },
  { filter: (fx) => `id eq ${q(fx.id.carol)}`, users: ['carol'] },
  { filter: (fx) => `id ne ${q(fx.id.carol)}`, users: except('carol') },
  { filter: (fx) => `id eq ${q(fx.id.carol.toUpperCase())}`, users: [] },
  { filter: 'x509Certificates.value eq "TUlJQ0VqQ0NBWGVnQXdJQkFnSUJBREFO"', users: ['erin'] },
  { filter: 'x509Certificates.value eq "tUlJQ0VqQ0NBWGVnQXdJQkFnSUJBREFO"', users: [] },
  // booleans, with Entra's "True"
  { filter: 'active eq true', users: ['alice', 'carol', 'dave', 'grace', 'heidi'] },
  { filter: 'active eq false', users: ['bob', 'frank'] },
  { filter: 'active eq "True"', users: ['alice', 'carol', 'dave', 'grace', 'heidi'] },
  { filter: 'active ne true', users: ['bob', 'erin', 'frank', 'ivan'] },
  { filter: 'active pr', users: except('erin', 'ivan') },
  { filter: 'roles.primary eq "true"', users: ['frank'] },
  // multi-valued complex: any value matches; the attribute itself means its value sub-attribute
  { filter: 'emails eq "bob.baker@example.com"', users: ['bob'] },
  { filter: 'emails.value co "example.com"', users: ['alice', 'bob', 'carol', 'grace', 'heidi', 'ivan'] },
  { filter: 'emails.type eq "work"', users: ['alice', 'bob', 'carol', 'grace', 'ivan'] },
  { filter: 'emails.primary eq true', users: ['alice', 'bob', 'grace'] },
  { filter: 'emails ne "ivan@example.com"', users: except('ivan') },
  { filter: 'emails pr', users: except('erin', 'frank') },
  { filter: 'emails eq null', users: ['erin', 'frank'] },
  // value paths: one value satisfies the whole bracket
  { filter: 'emails[type eq "work" and value co "example.com"]', users: ['alice', 'bob', 'carol', 'grace', 'ivan'] },
  { filter: 'emails[type eq "home" and value ew ".test"]', users: ['alice', 'bob'] },
  { filter: 'emails[type eq "work" and primary eq true]', users: ['alice', 'bob'] },
  { filter: 'emails[not (type pr)]', users: ['heidi'] },
  { filter: 'emails[primary eq false]', users: ['grace'] },
  { filter: 'emails[type eq "home" or value sw "dave"]', users: ['alice', 'bob', 'dave', 'grace', 'ivan'] },
  { filter: 'addresses[type eq "work" and postalCode sw "902"]', users: ['frank'] },
  { filter: 'phoneNumbers[type eq "work"]', users: ['alice'] },
  // the enterprise extension, by URN
  { filter: `${ENTERPRISE}:employeeNumber gt "0005"`, users: ['alice', 'carol', 'frank'] },
  { filter: `${ENTERPRISE}:department eq "engineering"`, users: ['alice', 'carol', 'grace'] },
  { filter: `${ENTERPRISE}:employeeNumber pr`, users: ['alice', 'bob', 'carol', 'frank', 'grace'] },
  { filter: (fx) => `${ENTERPRISE}:manager.value eq ${q(fx.id.bob)}`, users: ['alice'] },
  { filter: `${ENTERPRISE}:manager pr`, users: ['alice'] },
  { filter: `${ENTERPRISE.toUpperCase()}:DEPARTMENT eq "sales"`, users: ['bob', 'ivan'] },
  // schemas, derived from the extensions present
  { filter: `schemas eq "${ENTERPRISE}"`, users: ['alice', 'bob', 'carol', 'frank', 'grace', 'ivan'] },
  { filter: 'schemas eq "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER"', users: ALL },
  { filter: `not (schemas eq "${ENTERPRISE}")`, users: ['dave', 'erin', 'heidi'] },
  // meta: dateTimes compare as instants, whatever the literal's form
  { filter: (fx) => `meta.created gt ${q(fx.resource.carol.created)}`, users: ['dave', 'erin', 'frank', 'grace', 'heidi', 'ivan'] },
  { filter: (fx) => `meta.created le ${q(fx.resource.carol.created)}`, users: ['alice', 'bob', 'carol'] },
  { filter: (fx) => `meta.created eq ${q(shiftZone(fx.resource.bob.created))}`, users: ['bob'] },
  { filter: 'meta.created gt "2000-01-01"', users: ALL },
  { filter: 'meta.created lt "2000-01-01T00:30:00+01:00"', users: [] },
  { filter: (fx) => `meta.lastModified gt ${q(fx.resource.ivan.created)}`, users: ['alice'] },
  { filter: 'meta.resourceType eq "User"', users: ALL },
  { filter: 'meta.resourceType eq "user"', users: [] },
  { filter: (fx) => `meta.version eq ${q(fx.resource.bob.version)}`, users: ['bob'] },
  { filter: 'meta.location pr', users: [] },
  { filter: 'meta.location ne "x"', users: ALL },
  { filter: 'meta pr', users: ALL },
  // User.groups: direct and through nested groups (and a cycle)
  { filter: (fx) => `groups.value eq ${q(fx.id.engineering)}`, users: ['alice', 'carol'] },
  { filter: (fx) => `groups.value eq ${q(fx.id.allStaff)}`, users: ['alice', 'bob', 'carol', 'dave'] },
  { filter: (fx) => `groups[value eq ${q(fx.id.allStaff)} and type eq "indirect"]`, users: ['alice', 'bob', 'carol'] },
  { filter: 'groups.display eq "loop a"', users: ['heidi'] },
  { filter: 'groups[display eq "loop b" and type eq "direct"]', users: ['heidi'] },
  { filter: 'groups pr', users: ['alice', 'bob', 'carol', 'dave', 'grace', 'heidi'] },
  { filter: 'not (groups pr)', users: ['erin', 'frank', 'ivan'] },
  { filter: 'groups.$ref pr', users: [] },
  // logic
  { filter: '(title eq "Engineer" or title eq "Manager") and active eq true', users: ['alice', 'dave', 'grace'] },
  { filter: 'not (active eq true) and not (title eq "manager")', users: ['erin', 'frank'] },
  { filter: 'title eq "Engineer" or title eq "Manager" and active eq true', users: ['alice', 'dave', 'grace'] },
  { filter: 'not (not (emails[type eq "work"]))', users: ['alice', 'bob', 'carol', 'grace', 'ivan'] },
  // Groups: members as stored, display names
  { filter: (fx) => `members.value eq ${q(fx.id.alice)}`, groups: ['engineering', 'admins'] },
  { filter: (fx) => `members eq ${q(fx.id.engineering)}`, groups: ['allStaff'] },
  { filter: 'members[type eq "group"]', groups: ['allStaff', 'loopA', 'loopB'] },
  { filter: 'members.display co "EXAMPLE"', groups: ['engineering', 'sales', 'admins'] },
  { filter: 'members pr', groups: ['engineering', 'sales', 'allStaff', 'admins', 'loopA', 'loopB'] },
  { filter: 'not (members pr)', groups: ['empty'] },
  { filter: 'members.$ref pr', groups: [] },
  { filter: 'displayName eq "ADMINS"', groups: ['admins'] },
  { filter: 'displayName gt "Loop"', groups: ['sales', 'loopA', 'loopB'] },
  { filter: 'externalId eq "grp-eng"', groups: ['engineering'] },
  { filter: 'meta.resourceType eq "Group"', groups: ALL_GROUPS },
];

/** The same instant written in another time zone. */
function shiftZone(iso: string): string {
  const d = new Date(Date.parse(iso) + 2 * 3600_000);
  return `${d.toISOString().slice(0, 23)}+02:00`;
}

/** Filters every store must refuse with the same 400 invalidFilter. */
export const INVALID_FILTERS: readonly { type: 'User' | 'Group'; filter: string }[] = [
  { type: 'User', filter: 'active co "t"' },
  { type: 'User', filter: 'active gt true' },
  { type: 'User', filter: 'shoeSize eq 1' },
  { type: 'User', filter: 'title gt null' },
  { type: 'User', filter: 'meta eq "x"' },
  { type: 'User', filter: 'meta.created gt "yesterday"' },
  { type: 'User', filter: 'name.familyName eq 3' },
  { type: 'User', filter: 'members.value eq "x"' },
  { type: 'User', filter: 'emails[shoe eq "x"]' },
  { type: 'User', filter: 'userName[value eq "x"]' },
  { type: 'Group', filter: 'groups pr' },
];

export interface SortCase {
  readonly type: 'User' | 'Group';
  readonly sortBy: string;
  readonly ascending: readonly string[];
  /** Descending when not simply the reverse (missing keys first, ties still in creation order). */
  readonly descending?: readonly string[];
}

export const SORT_CASES: readonly SortCase[] = [
  { type: 'User', sortBy: 'userName', ascending: ['alice', 'bob', 'carol', 'dave', 'erin', 'grace', 'heidi', 'ivan', 'frank'] },
  {
    type: 'User',
    sortBy: 'title',
    ascending: ['erin', 'alice', 'dave', 'grace', 'frank', 'bob', 'ivan', 'carol', 'heidi'],
    descending: ['carol', 'heidi', 'bob', 'ivan', 'frank', 'alice', 'dave', 'grace', 'erin'],
  },
  {
    type: 'User',
    sortBy: 'emails',
    ascending: ['alice', 'bob', 'carol', 'dave', 'grace', 'heidi', 'ivan', 'erin', 'frank'],
    descending: ['erin', 'frank', 'ivan', 'heidi', 'grace', 'dave', 'carol', 'bob', 'alice'],
  },
  {
    type: 'User',
    sortBy: 'emails.type',
    ascending: ['grace', 'dave', 'alice', 'bob', 'carol', 'ivan', 'erin', 'frank', 'heidi'],
    descending: ['erin', 'frank', 'heidi', 'alice', 'bob', 'carol', 'ivan', 'dave', 'grace'],
  },
  {
    type: 'User',
    sortBy: 'active',
    ascending: ['bob', 'frank', 'alice', 'carol', 'dave', 'grace', 'heidi', 'erin', 'ivan'],
    descending: ['erin', 'ivan', 'alice', 'carol', 'dave', 'grace', 'heidi', 'bob', 'frank'],
  },
  { type: 'User', sortBy: 'meta.created', ascending: ALL },
  { type: 'User', sortBy: 'meta.lastModified', ascending: [...except('alice'), 'alice'] },
  {
    type: 'User',
    sortBy: `${ENTERPRISE}:employeeNumber`,
    ascending: ['grace', 'bob', 'alice', 'carol', 'frank', 'dave', 'erin', 'heidi', 'ivan'],
    descending: ['dave', 'erin', 'heidi', 'ivan', 'frank', 'carol', 'alice', 'bob', 'grace'],
  },
  {
    type: 'User',
    sortBy: 'name.familyName',
    ascending: ['alice', 'bob', 'carol', 'grace', 'erin', 'dave', 'frank', 'heidi', 'ivan'],
    descending: ['dave', 'frank', 'heidi', 'ivan', 'erin', 'grace', 'carol', 'bob', 'alice'],
  },
  {
    type: 'User',
    sortBy: 'externalId',
    ascending: ['alice', 'carol', 'dave', 'heidi', 'bob', 'erin', 'frank', 'grace', 'ivan'],
    descending: ['erin', 'frank', 'grace', 'ivan', 'bob', 'heidi', 'dave', 'carol', 'alice'],
  },
  {
    type: 'User',
    sortBy: 'groups.display',
    ascending: ['grace', 'dave', 'alice', 'carol', 'heidi', 'bob', 'erin', 'frank', 'ivan'],
    descending: ['erin', 'frank', 'ivan', 'bob', 'heidi', 'alice', 'carol', 'dave', 'grace'],
  },
  {
    type: 'Group',
    sortBy: 'displayName',
    ascending: ['admins', 'allStaff', 'empty', 'engineering', 'loopA', 'loopB', 'sales'],
  },
  {
    type: 'Group',
    sortBy: 'members.display',
    ascending: ['engineering', 'admins', 'sales', 'allStaff', 'loopB', 'loopA', 'empty'],
    descending: ['empty', 'loopA', 'loopB', 'allStaff', 'sales', 'engineering', 'admins'],
  },
];
