// The directory the query contract runs on, written through the Store API in a fixed order so
// that every backend holds the same data: users varied in case (and beyond ASCII), missing
// attributes, multi-valued emails whose primary is not first, enterprise extension values,
// booleans true/false/absent, a binary value, nested groups and a membership cycle.
import type { Store, StoredResource } from '../../../src/store/store.ts';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';

export const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan'] as const;
export const GROUPS = ['engineering', 'sales', 'allStaff', 'admins', 'loopA', 'loopB', 'empty'] as const;
export type UserHandle = (typeof USERS)[number];
export type GroupHandle = (typeof GROUPS)[number];
export type Handle = UserHandle | GroupHandle;

type Json = Record<string, unknown>;

const USER_DATA: Record<UserHandle, Json> = {
  alice: {
    userName: 'alice.anders@example.com',
    externalId: 'EXT-001',
    name: { givenName: 'Alice', familyName: 'Anders' },
    displayName: 'Alice Anders',
    title: 'Engineer',
    active: true,
    emails: [
      { value: 'alice.anders@example.com', type: 'work', primary: true },
      { value: 'alice@home.test', type: 'home' },
    ],
    phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
    [ENTERPRISE]: { employeeNumber: '0007', department: 'Engineering' },
  },
  bob: {
    userName: 'Bob.Baker@Example.com',
    externalId: 'ext-002',
    name: { givenName: 'Bob', familyName: 'baker' },
    title: 'Manager',
    active: false,
    emails: [
      { value: 'zz.bob@home.test', type: 'home' },
      { value: 'Bob.Baker@Example.com', type: 'work', primary: true },
    ],
    [ENTERPRISE]: { employeeNumber: '0003', department: 'Sales' },
  },
  carol: {
    userName: 'CAROL.CHEN@EXAMPLE.COM',
    externalId: 'EXT-003',
    name: { givenName: 'Carol', familyName: 'Chen' },
    active: true,
    emails: [{ value: 'carol.chen@example.com', type: 'work' }],
    [ENTERPRISE]: { employeeNumber: '0011', department: 'Engineering' },
  },
  dave: {
    userName: 'dave',
    externalId: 'EXT-004',
    title: 'engineer',
    nickName: '',
    active: true,
    emails: [{ value: 'dave@elsewhere.org', type: 'other' }],
  },
  erin: {
    userName: 'Erin.Evans@example.com',
    displayName: 'erin evans',
    name: { familyName: 'Évans' },
    title: 'Director',
    x509Certificates: [{ value: 'TUlJQ0VqQ0NBWGVnQXdJQkFnSUJBREFO' }],
  },
  frank: {
    userName: 'Émile.Frank',
    title: 'Ingénieur',
    active: false,
    addresses: [{ type: 'work', postalCode: '90210', locality: 'Beverly Hills' }],
    roles: [{ value: 'admin', primary: true }],
    [ENTERPRISE]: { employeeNumber: '0100' },
  },
  grace: {
    userName: 'grace',
    name: { givenName: 'grace', familyName: 'Green' },
    title: 'Engineer',
    active: true,
    emails: [
      { value: 'GRACE@EXAMPLE.COM', type: 'work', primary: false },
      { value: 'grace@example.org', type: 'home', primary: true },
    ],
    [ENTERPRISE]: { employeeNumber: '0001', department: 'Engineering' },
  },
  heidi: {
    userName: 'heidi',
    externalId: 'ext-001',
    active: true,
    emails: [{ value: 'heidi@example.com' }],
  },
  ivan: {
    userName: 'ivan',
    title: 'Manager',
    nickName: 'Ivan the Terrible',
    emails: [{ value: 'ivan@example.com', type: 'work' }, { value: 'ivan@example.com', type: 'home' }],
    [ENTERPRISE]: { department: 'Sales' },
  },
};

export interface Fixture {
  readonly id: Record<Handle, string>;
  readonly handleOf: (id: string) => string;
  /** The stored resources as they are once the dataset is complete. */
  readonly resource: Record<Handle, StoredResource>;
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 3));

export async function loadDataset(store: Store): Promise<Fixture> {
  const id = {} as Record<Handle, string>;
  const resource = {} as Record<Handle, StoredResource>;
  // As resolveMembers completes them: the member's type, and a display name taken from it.
  const member = (h: Handle) => {
    const isUser = (USERS as readonly string[]).includes(h);
    const display = resource[h].data[isUser ? 'userName' : 'displayName'] as string;
    return { value: id[h], type: isUser ? ('User' as const) : ('Group' as const), display };
  };
  // Distinct creation instants, so meta.created comparisons have one answer.
  for (const h of USERS) {
    resource[h] = await store.create('User', USER_DATA[h]);
    id[h] = resource[h].id;
    await pause();
  }
  const group = async (h: GroupHandle, displayName: string, members: Handle[], extra: Json = {}) => {
    resource[h] = await store.create('Group', { displayName, ...extra }, members.map(member));
    id[h] = resource[h].id;
    await pause();
  };
  await group('engineering', 'Engineering', ['alice', 'carol'], { externalId: 'grp-eng' });
  await group('sales', 'Sales', ['bob']);
  await group('allStaff', 'All Staff', ['engineering', 'sales', 'dave']);
  await group('admins', 'admins', ['alice']);
  await group('loopA', 'Loop A', []);
  await group('loopB', 'Loop B', ['loopA', 'heidi']);
  await group('empty', 'Empty', []);
  // Later changes: a cycle, a member added after creation, a manager reference, a new lastModified.
  resource.loopA = await store.replace('Group', id.loopA, resource.loopA.data, { add: [member('loopB')] });
  resource.admins = await store.replace('Group', id.admins, resource.admins.data, { add: [member('grace')] });
  const alice = resource.alice.data;
  resource.alice = await store.replace('User', id.alice, {
    ...alice,
    [ENTERPRISE]: { ...(alice[ENTERPRISE] as Json), manager: { value: id.bob, displayName: 'Bob Baker' } },
  });
  const handles = new Map(Object.entries(id).map(([h, i]) => [i, h]));
  return { id, resource, handleOf: (i) => handles.get(i) ?? `?${i}` };
}
