// A small directory for the query tests (test/http/query-*.test.ts): a dozen users and four groups,
// created through the real HTTP API. The data is varied on purpose: userName in mixed case, emails
// of several types with the primary one not always first, titles missing on some users, enterprise
// employeeNumber/department on most, active true/false, and nested group membership.
import { expect } from 'vitest';
import { ENTERPRISE_URN, GROUP_URN, USER_URN, type ScimTestClient } from './scim-app.ts';

export const SEARCH_REQUEST_URN = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const LIST_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export type Handle =
  | 'alice'
  | 'bob'
  | 'carol'
  | 'dave'
  | 'erin'
  | 'frank'
  | 'grace'
  | 'heidi'
  | 'ivan'
  | 'judy'
  | 'mallory'
  | 'oscar';

export type GroupHandle = 'engineering' | 'sales' | 'allStaff' | 'admins';

type Json = Record<string, any>;

/** The users, in creation order. Only what a test relies on is varied; the rest is plain. */
export const USER_DATA: Readonly<Record<Handle, Json>> = {
  alice: {
    userName: 'alice.anders@example.com',
    externalId: 'EXT-001',
    displayName: 'Alice Anders',
    name: { givenName: 'Alice', familyName: 'Anders' },
    title: 'Engineer',
    active: true,
    emails: [
      { value: 'alice.anders@example.com', type: 'work', primary: true },
      { value: 'alice@home.test', type: 'home' },
    ],
    [ENTERPRISE_URN]: { employeeNumber: '0007', department: 'Engineering' },
  },
  bob: {
    userName: 'Bob.Baker@Example.com',
    externalId: 'ext-002',
    displayName: 'Bob Baker',
    name: { givenName: 'Bob', familyName: 'Baker' },
    title: 'Manager',
    active: false,
    // the primary email is not the first one
    emails: [
      { value: 'zz.bob@home.test', type: 'home' },
      { value: 'bob.baker@example.com', type: 'work', primary: true },
    ],
    [ENTERPRISE_URN]: { employeeNumber: '0003', department: 'Sales' },
  },
  carol: {
    userName: 'CAROL.CHEN@EXAMPLE.COM',
    externalId: 'EXT-003',
    displayName: 'Carol Chen',
    name: { givenName: 'Carol', familyName: 'Chen' },
    active: true,
    emails: [{ value: 'carol.chen@example.com', type: 'work' }],
    [ENTERPRISE_URN]: { employeeNumber: '0011', department: 'Engineering' },
  },
  dave: {
    userName: 'dave',
    externalId: 'EXT-004',
    displayName: 'Dave Dunn',
    name: { givenName: 'Dave', familyName: 'Dunn' },
    title: 'engineer', // same title as alice's and grace's, in another case
    active: true,
    emails: [{ value: 'dave@elsewhere.org', type: 'other' }],
  },
  erin: {
    userName: 'Erin.Evans@example.com',
    displayName: 'erin evans',
    name: { givenName: 'Erin', familyName: 'Evans' },
    title: 'Director',
    active: false,
    emails: [{ value: 'erin.evans@example.com', type: 'work', primary: true }],
    [ENTERPRISE_URN]: { employeeNumber: '0001', department: 'Sales' },
  },
  frank: {
    userName: 'frank.foster@example.com',
    displayName: 'Frank Foster',
    name: { givenName: 'Frank', familyName: 'Foster' },
    active: true,
    [ENTERPRISE_URN]: { department: 'Support' },
  },
  grace: {
    userName: 'Grace.Green@Example.com',
    displayName: 'Grace Green',
    name: { givenName: 'Grace', familyName: 'green' },
    title: 'Engineer',
    active: true,
    emails: [
      { value: 'grace.green@example.com', type: 'work' },
      { value: 'grace@example.org', type: 'work' },
    ],
    [ENTERPRISE_URN]: { employeeNumber: '0005' },
  },
  heidi: {
    userName: 'heidi',
    name: { givenName: 'Heidi' },
    title: 'Analyst',
    active: true,
    emails: [{ value: 'heidi@home.test', type: 'home', primary: true }],
  },
  ivan: {
    userName: 'IVAN.ITO@example.com',
    externalId: 'EXT-009',
    displayName: 'Ivan Ito',
    name: { givenName: 'Ivan', familyName: 'Ito' },
    active: true,
    emails: [{ value: 'ivan.ito@example.com', type: 'work', primary: true }],
    [ENTERPRISE_URN]: { employeeNumber: '0002', department: 'Engineering' },
  },
  judy: {
    userName: 'judy.jones@example.com',
    displayName: 'Judy Jones',
    name: { givenName: 'Judy', familyName: 'Jones' },
    title: 'Manager',
    active: false,
    emails: [{ value: 'judy.jones@example.com', type: 'work' }],
  },
  mallory: {
    userName: 'mallory@x-corp.test',
    displayName: 'Mallory Moore',
    name: { givenName: 'Mallory', familyName: 'Moore' },
    title: 'Contractor',
    active: true,
    emails: [{ value: 'mallory@x-corp.test', type: 'work' }],
  },
  oscar: {
    userName: 'Oscar.Owens@example.com',
    displayName: 'Oscar Owens',
    name: { givenName: 'Oscar', familyName: 'Owens' },
    active: true,
    emails: [
      { value: 'oscar.owens@example.com', type: 'work' },
      // primary, second, and first in alphabetical order
      { value: 'aaa.oscar@home.test', type: 'home', primary: true },
    ],
    password: 'Oscar-Secret-1',
  },
};

export const HANDLES = Object.keys(USER_DATA) as Handle[];

export interface Directory {
  /** Users as created (full representation), by handle. */
  readonly users: Record<Handle, Json>;
  readonly groups: Record<GroupHandle, Json>;
  /** id -> handle, for readable assertions. */
  readonly handleOf: (id: string) => string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function userBody(handle: Handle): Json {
  return { schemas: [USER_URN, ...(USER_DATA[handle][ENTERPRISE_URN] ? [ENTERPRISE_URN] : [])], ...USER_DATA[handle] };
}

/**
 * Creates the directory. Users are created a few milliseconds apart so their meta.created values
 * are distinct and increasing. Groups: Engineering {alice, carol, ivan}, Sales {bob, erin},
 * All Staff {Engineering, Sales, frank} (nested), Admins {dave}.
 */
export async function seedDirectory(client: ScimTestClient): Promise<Directory> {
  const users = {} as Record<Handle, Json>;
  for (const handle of HANDLES) {
    const res = await client.post('/Users', userBody(handle));
    expect(res.status, res.text).toBe(201);
    users[handle] = res.body;
    await sleep(3);
  }
  const group = async (displayName: string, members: string[]) => {
    const res = await client.post('/Groups', {
      schemas: [GROUP_URN],
      displayName,
      members: members.map((value) => ({ value })),
    });
    expect(res.status, res.text).toBe(201);
    await sleep(3);
    return res.body as Json;
  };
  const engineering = await group('Engineering', [users.alice.id, users.carol.id, users.ivan.id]);
  const sales = await group('Sales', [users.bob.id, users.erin.id]);
  const allStaff = await group('All Staff', [engineering.id, sales.id, users.frank.id]);
  const admins = await group('Admins', [users.dave.id]);
  const groups = { engineering, sales, allStaff, admins };
  const names = new Map<string, string>();
  for (const [h, u] of Object.entries(users)) names.set(u.id, h);
  for (const [h, g] of Object.entries(groups)) names.set(g.id, h);
  return { users, groups, handleOf: (id) => names.get(id) ?? `?${id}` };
}

export const q = encodeURIComponent;

/** GET a list with a filter (URL-encoded here) and optional extra query text. */
export function filterPath(endpoint: string, filter: string, extra = ''): string {
  return `${endpoint}?filter=${q(filter)}${extra ? `&${extra}` : ''}`;
}

/** The handles of a ListResponse's resources, in order. */
export function handlesOf(dir: Directory, body: { Resources?: { id: string }[] }): string[] {
  return (body.Resources ?? []).map((r) => dir.handleOf(r.id));
}
