// PATCH over HTTP (RFC 7644 §3.5.2), through the real app; every response is checked against the
// contract by the test client. The engine's rules are tabled in test/unit/patch; this file checks
// what only the whole server can show: atomicity as seen by a later GET, versions and ETags,
// If-Match, response shapes, membership as seen from the User side, passwords at rest.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/resources/password.ts';
import {
  ENTERPRISE_URN,
  expectScimError,
  GROUP_URN,
  startApp,
  USER_URN,
  type ScimResponse,
  type ScimTestClient,
  type TestApp,
} from '../helpers/scim-app.ts';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ops = (...operations: Record<string, unknown>[]) => ({ schemas: [PATCH_OP], Operations: operations });
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let app: TestApp;
let client: ScimTestClient;
/** `strictPatch: true` (rules 2-7 off) and one dialect switched on by `patchDialects`. */
let strict: TestApp;
let lenientReplace: TestApp;
// All apps start before any request: starting one later leaves the first app's keep-alive
// connections idle long enough for the server to close one as the client reuses it (ECONNRESET).
beforeAll(async () => {
  [app, strict, lenientReplace] = await Promise.all([
    startApp(),
    startApp({ strictPatch: true }),
    startApp({ patchDialects: { replaceCreatesFromValuePath: true } }),
  ]);
  client = app.client;
});
afterAll(() => Promise.all([app.close(), strict.close(), lenientReplace.close()]));

async function createUser(extra: Record<string, unknown> = {}) {
  const res = await client.post('/Users', {
    schemas: [USER_URN, ENTERPRISE_URN],
    userName: unique('bjensen'),
    displayName: 'Babs Jensen',
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ],
    [ENTERPRISE_URN]: { department: 'Tour Operations' },
    ...extra,
  });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

async function createGroup(memberIds: string[] = []) {
  const res = await client.post('/Groups', {
    schemas: [GROUP_URN],
    displayName: unique('Tour Guides'),
    ...(memberIds.length ? { members: memberIds.map((value) => ({ value })) } : {}),
  });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

async function get(path: string) {
  const res = await client.get(path);
  expect(res.status, res.text).toBe(200);
  return res;
}

const memberIds = (group: { members?: { value: string }[] }) => (group.members ?? []).map((m) => m.value).sort();
const groupIds = (user: { groups?: { value: string }[] }) => (user.groups ?? []).map((g) => g.value).sort();

/** The response carries the resource's current version in ETag and, when the body has meta, in meta.version. */
function expectVersionHeaders(res: ScimResponse) {
  const etag = res.headers.get('etag');
  expect(etag).toMatch(/^(W\/)?".+"$/);
  if (res.body?.meta) expect(res.body.meta.version).toBe(etag);
  return etag!;
}

describe('a PatchOp is all or nothing (§3.5.2)', () => {
  it('a failing 3rd operation: 400 naming it; GET shows the user and its version unchanged', async () => {
    const user = await createUser();
    const res = await client.patch(
      `/Users/${user.id}`,
      ops(
        { op: 'replace', path: 'displayName', value: 'Barbara' },
        { op: 'add', path: 'nickName', value: 'Babs' },
        { op: 'replace', path: 'emails[type eq "other"].value', value: 'x@example.com' },
      ),
    );
    expectScimError(res, 400, 'noTarget');
    expect(res.body.detail).toMatch(/^operation 3 \(replace emails\[type eq "other"\]\.value\): /);
    const after = await get(`/Users/${user.id}`);
    expect(after.body).toEqual(user);
    expect(after.headers.get('etag')).toBe(user.meta.version);
  });

  it('a failing operation after a member add: the group, its version and the user side are unchanged', async () => {
    const [u1, u2] = [await createUser(), await createUser()];
    const group = await createGroup([u1.id]);
    const res = await client.patch(
      `/Groups/${group.id}`,
      ops({ op: 'add', path: 'members', value: [{ value: u2.id }] }, { op: 'replace', path: 'displayName', value: 42 }),
    );
    expectScimError(res, 400, 'invalidValue');
    expect(res.body.detail).toMatch(/^operation 2 \(replace displayName\): .*displayName/);
    const after = await get(`/Groups/${group.id}`);
    expect(after.body).toEqual(group);
    expect(memberIds(after.body)).toEqual([u1.id]);
    expect((await get(`/Users/${u2.id}`)).body.groups).toBeUndefined();
  });

  it('a member id that does not exist: 400 invalidValue, nothing changes', async () => {
    const u1 = await createUser();
    const group = await createGroup([u1.id]);
    const res = await client.patch(
      `/Groups/${group.id}`,
      ops(
        { op: 'replace', path: 'displayName', value: 'Renamed' },
        { op: 'add', path: 'members', value: [{ value: randomUUID() }] },
      ),
    );
    expectScimError(res, 400, 'invalidValue');
    expect(res.body.detail).toMatch(/^operation 2 \(add members\): /);
    const after = await get(`/Groups/${group.id}`);
    expect(after.body).toEqual(group);
  });

  it('a readOnly target: 400 mutability, unchanged', async () => {
    const user = await createUser();
    for (const path of ['id', 'meta.version', 'groups']) {
      const res = await client.patch(`/Users/${user.id}`, ops({ op: 'add', path: 'title', value: 'Guide' }, { op: 'replace', path, value: 'x' }));
      expectScimError(res, 400, 'mutability');
      expect(res.body.detail).toMatch(/^operation 2 /);
    }
    expect((await get(`/Users/${user.id}`)).body).toEqual(user);
  });

  it('a uniqueness conflict: 409, unchanged', async () => {
    const [a, b] = [await createUser(), await createUser()];
    const res = await client.patch(`/Users/${b.id}`, ops({ op: 'replace', path: 'userName', value: a.userName.toUpperCase() }));
    expectScimError(res, 409, 'uniqueness');
    expect((await get(`/Users/${b.id}`)).body).toEqual(b);
  });

  it('an unknown resource: 404', async () => {
    expectScimError(await client.patch(`/Users/${randomUUID()}`, ops({ op: 'replace', path: 'displayName', value: 'x' })), 404);
    expectScimError(await client.patch(`/Groups/${randomUUID()}`, ops({ op: 'replace', path: 'displayName', value: 'x' })), 404);
  });
});

describe('meta.version and meta.lastModified move only when the resource changes', () => {
  it('no-op PATCHes on a user keep version, lastModified and ETag', async () => {
    const user = await createUser();
    await sleep(5);
    const noOps = [
      ops({ op: 'add', path: 'emails', value: [{ value: 'babs@jensen.org', type: 'home' }] }),
      ops({ op: 'add', path: 'emails', value: [{ value: 'bjensen@example.com', type: 'work', primary: true }] }),
      ops({ op: 'remove', path: 'nickName' }),
      ops({ op: 'remove', path: 'emails[type eq "other"]' }),
      ops({ op: 'replace', path: 'displayName', value: 'Babs Jensen' }),
      ops({ op: 'replace', value: { name: { givenName: 'Barbara' }, [ENTERPRISE_URN]: { department: 'Tour Operations' } } }),
    ];
    for (const body of noOps) {
      const res = await client.patch(`/Users/${user.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(expectVersionHeaders(res)).toBe(user.meta.version);
      expect(res.body.meta.lastModified).toBe(user.meta.lastModified);
      expect(res.body).toEqual(user);
    }
    expect((await get(`/Users/${user.id}`)).body).toEqual(user);
  });

  it('a changing PATCH moves version (ETag = meta.version) and lastModified; GET agrees', async () => {
    const user = await createUser();
    await sleep(5);
    const res = await client.patch(`/Users/${user.id}`, ops({ op: 'replace', path: 'displayName', value: 'Barbara' }));
    expect(res.status).toBe(200);
    const version = expectVersionHeaders(res);
    expect(version).not.toBe(user.meta.version);
    expect(Date.parse(res.body.meta.lastModified)).toBeGreaterThan(Date.parse(user.meta.lastModified));
    expect(res.body.meta.created).toBe(user.meta.created);
    const after = await get(`/Users/${user.id}`);
    expect(after.body).toEqual(res.body);
    expect(after.headers.get('etag')).toBe(version);
  });

  it('no-op PATCHes on a group: 204 with the same ETag; GET keeps version and lastModified', async () => {
    const u1 = await createUser();
    const empty = await createGroup();
    const group = await createGroup([u1.id]);
    await sleep(5);
    const cases: [typeof group, ReturnType<typeof ops>][] = [
      [group, ops({ op: 'add', path: 'members', value: [{ value: u1.id }] })],
      [group, ops({ op: 'remove', path: `members[value eq "${randomUUID()}"]` })],
      [group, ops({ op: 'replace', path: 'members', value: [{ value: u1.id }] })],
      [group, ops({ op: 'replace', path: 'displayName', value: group.displayName })],
      [empty, ops({ op: 'remove', path: 'members' })],
    ];
    for (const [g, body] of cases) {
      const res = await client.patch(`/Groups/${g.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(204);
      expect(res.headers.get('etag'), JSON.stringify(body)).toBe(g.meta.version);
      const after = await get(`/Groups/${g.id}`);
      expect(after.body, JSON.stringify(body)).toEqual(g);
    }
  });

  it('a member change moves the group version', async () => {
    const [u1, u2] = [await createUser(), await createUser()];
    const group = await createGroup([u1.id]);
    await sleep(5);
    const res = await client.patch(`/Groups/${group.id}`, ops({ op: 'add', path: 'members', value: [{ value: u2.id }] }));
    expect(res.status).toBe(204);
    const etag = res.headers.get('etag');
    expect(etag).not.toBe(group.meta.version);
    const after = await get(`/Groups/${group.id}`);
    expect(after.body.meta.version).toBe(etag);
    expect(Date.parse(after.body.meta.lastModified)).toBeGreaterThan(Date.parse(group.meta.lastModified));
  });
});

describe('If-Match on PATCH (RFC 7644 §3.14)', () => {
  it('stale → 412 and nothing changes; current → 200; * → 200', async () => {
    const user = await createUser();
    const first = await client.patch(`/Users/${user.id}`, ops({ op: 'replace', path: 'title', value: 'Guide' }), {
      headers: { 'If-Match': user.meta.version },
    });
    expect(first.status, first.text).toBe(200);
    const current = expectVersionHeaders(first);

    const stale = await client.patch(`/Users/${user.id}`, ops({ op: 'replace', path: 'title', value: 'Chief Guide' }), {
      headers: { 'If-Match': user.meta.version },
    });
    expectScimError(stale, 412);
    const afterStale = await get(`/Users/${user.id}`);
    expect(afterStale.body.title).toBe('Guide');
    expect(afterStale.body.meta.version).toBe(current);

    const star = await client.patch(`/Users/${user.id}`, ops({ op: 'replace', path: 'title', value: 'Chief Guide' }), {
      headers: { 'If-Match': '*' },
    });
    expect(star.status).toBe(200);
    expect(star.body.title).toBe('Chief Guide');
  });

  it('a no-op PATCH with a stale If-Match is still 412', async () => {
    const user = await createUser();
    await client.patch(`/Users/${user.id}`, ops({ op: 'replace', path: 'title', value: 'Guide' }));
    const res = await client.patch(`/Users/${user.id}`, ops({ op: 'remove', path: 'nickName' }), { headers: { 'If-Match': user.meta.version } });
    expectScimError(res, 412);
  });

  it('groups: current → 204 with the new ETag, stale → 412', async () => {
    const group = await createGroup();
    const ok = await client.patch(`/Groups/${group.id}`, ops({ op: 'replace', path: 'displayName', value: unique('Renamed') }), {
      headers: { 'If-Match': group.meta.version },
    });
    expect(ok.status, ok.text).toBe(204);
    expect(ok.headers.get('etag')).not.toBe(group.meta.version);
    const stale = await client.patch(`/Groups/${group.id}`, ops({ op: 'replace', path: 'displayName', value: unique('Again') }), {
      headers: { 'If-Match': group.meta.version },
    });
    expectScimError(stale, 412);
    expect((await get(`/Groups/${group.id}`)).headers.get('etag')).toBe(ok.headers.get('etag'));
  });
});

describe('response shapes', () => {
  it('Users: 200 with the whole resource, Location and ETag', async () => {
    const user = await createUser();
    const res = await client.patch(`/Users/${user.id}`, ops({ op: 'add', path: 'nickName', value: 'Babs' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBe(user.meta.location);
    expectVersionHeaders(res);
    expect(res.body).toEqual({ ...user, nickName: 'Babs', meta: { ...user.meta, version: res.body.meta.version, lastModified: res.body.meta.lastModified } });
  });

  it('Users: attributes and excludedAttributes shape the 200 body', async () => {
    const user = await createUser();
    const some = await client.patch(`/Users/${user.id}?attributes=userName,nickName`, ops({ op: 'add', path: 'nickName', value: 'Babs' }));
    expect(some.status).toBe(200);
    expect(some.body.userName).toBe(user.userName);
    expect(some.body.nickName).toBe('Babs');
    expect(some.body.id).toBe(user.id);
    expect(some.body.emails).toBeUndefined();
    expect(some.body.displayName).toBeUndefined();
    expect(some.headers.get('etag')).toMatch(/".+"/);

    const less = await client.patch(`/Users/${user.id}?excludedAttributes=emails,name`, ops({ op: 'add', path: 'title', value: 'Guide' }));
    expect(less.status).toBe(200);
    expect(less.body.title).toBe('Guide');
    expect(less.body.emails).toBeUndefined();
    expect(less.body.name).toBeUndefined();
    expect(less.body.userName).toBe(user.userName);
  });

  it('Groups: 204 with ETag and no body unless attributes/excludedAttributes are given', async () => {
    const u1 = await createUser();
    const group = await createGroup([u1.id]);
    const plain = await client.patch(`/Groups/${group.id}`, ops({ op: 'replace', path: 'displayName', value: unique('A') }));
    expect(plain.status).toBe(204);
    expect(plain.text).toBe('');
    expect(plain.headers.get('etag')).toMatch(/^(W\/)?".+"$/);
    expect((await get(`/Groups/${group.id}`)).body.meta.version).toBe(plain.headers.get('etag'));

    const named = await client.patch(`/Groups/${group.id}?attributes=displayName`, ops({ op: 'replace', path: 'displayName', value: 'B' + unique('') }));
    expect(named.status).toBe(200);
    expect(named.body.displayName).toMatch(/^B/);
    expect(named.body.members).toBeUndefined();
    expectVersionHeaders(named);

    const excluded = await client.patch(`/Groups/${group.id}?excludedAttributes=members`, ops({ op: 'replace', path: 'displayName', value: unique('C') }));
    expect(excluded.status).toBe(200);
    expect(excluded.body.members).toBeUndefined();
    expect(excluded.body.id).toBe(group.id);

    const withMembers = await client.patch(`/Groups/${group.id}?attributes=members`, ops({ op: 'remove', path: 'members' }, { op: 'add', path: 'members', value: [{ value: u1.id }] }));
    expect(withMembers.status).toBe(200);
    expect(memberIds(withMembers.body)).toEqual([u1.id]);
    expect(withMembers.body.members[0]).toMatchObject({ value: u1.id, type: 'User', $ref: u1.meta.location });
  });
});

describe('membership seen from the User side (RFC 7643 §4.1.2 groups)', () => {
  it('User.groups follows member add, filtered remove and Entra value remove', async () => {
    const [u1, u2, u3] = [await createUser(), await createUser(), await createUser()];
    const group = await createGroup();
    const added = await client.patch(`/Groups/${group.id}`, ops({ op: 'add', path: 'members', value: [{ value: u1.id }, { value: u2.id }, { value: u3.id }] }));
    expect(added.status).toBe(204);
    for (const u of [u1, u2, u3]) {
      const got = (await get(`/Users/${u.id}`)).body;
      expect(got.groups).toEqual([{ value: group.id, $ref: group.meta.location, display: group.displayName, type: 'direct' }]);
    }

    expect((await client.patch(`/Groups/${group.id}`, ops({ op: 'remove', path: `members[value eq "${u1.id}"]` }))).status).toBe(204);
    expect((await get(`/Users/${u1.id}`)).body.groups).toBeUndefined();

    expect((await client.patch(`/Groups/${group.id}`, ops({ op: 'Remove', path: 'members', value: [{ $ref: null, value: u2.id }] }))).status).toBe(204);
    expect((await get(`/Users/${u2.id}`)).body.groups).toBeUndefined();
    expect(groupIds((await get(`/Users/${u3.id}`)).body)).toEqual([group.id]);
    expect(memberIds((await get(`/Groups/${group.id}`)).body)).toEqual([u3.id]);

    expect((await client.patch(`/Groups/${group.id}`, ops({ op: 'remove', path: 'members' }))).status).toBe(204);
    expect((await get(`/Users/${u3.id}`)).body.groups).toBeUndefined();
    expect((await get(`/Groups/${group.id}`)).body.members).toBeUndefined();
  });

  it('nested groups: a user reaches the outer group indirectly; a group cannot contain itself', async () => {
    const u1 = await createUser();
    const inner = await createGroup([u1.id]);
    const outer = await createGroup();
    const res = await client.patch(`/Groups/${outer.id}`, ops({ op: 'add', path: 'members', value: [{ value: inner.id, type: 'Group' }] }));
    expect(res.status).toBe(204);
    const groups = (await get(`/Users/${u1.id}`)).body.groups;
    expect(groups).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ value: inner.id, type: 'direct' }),
        expect.objectContaining({ value: outer.id, type: 'indirect' }),
      ]),
    );
    const self = await client.patch(`/Groups/${outer.id}`, ops({ op: 'add', path: 'members', value: [{ value: outer.id }] }));
    expectScimError(self, 400, 'invalidValue');
  });

  it('a User cannot write its groups by PATCH', async () => {
    const user = await createUser();
    const group = await createGroup();
    const res = await client.patch(`/Users/${user.id}`, ops({ op: 'add', path: 'groups', value: [{ value: group.id }] }));
    expectScimError(res, 400, 'mutability');
    expect((await get(`/Users/${user.id}`)).body.groups).toBeUndefined();
  });
});

describe('password (writeOnly, returned never)', () => {
  it('set by PATCH: never returned, stored as a hash of the cleartext', async () => {
    const user = await createUser();
    const res = await client.patch(`/Users/${user.id}`, ops({ op: 'replace', path: 'password', value: 't1meMa$heen' }));
    expect(res.status).toBe(200);
    expect(res.body.password).toBeUndefined();
    expect(res.text).not.toContain('t1meMa$heen');
    expect((await get(`/Users/${user.id}`)).body.password).toBeUndefined();
    expect((await get(`/Users/${user.id}?attributes=password`)).body.password).toBeUndefined();

    const stored = await app.server.store.get('User', user.id);
    const hash = stored!.data.password as string;
    expect(hash).not.toBe('t1meMa$heen');
    expect(hash).toMatch(/^\$scrypt\$/);
    expect(await verifyPassword(hash, 't1meMa$heen')).toBe(true);

    // A later PATCH that does not touch the password keeps the same hash.
    await client.patch(`/Users/${user.id}`, ops({ op: 'replace', path: 'title', value: 'Guide' }));
    expect((await app.server.store.get('User', user.id))!.data.password).toBe(hash);
  });

  it('set by a path-less add: hashed too', async () => {
    const user = await createUser();
    const res = await client.patch(`/Users/${user.id}`, ops({ op: 'add', value: { password: 'an0ther$ecret', nickName: 'Babs' } }));
    expect(res.status).toBe(200);
    expect(res.body.password).toBeUndefined();
    const hash = (await app.server.store.get('User', user.id))!.data.password as string;
    expect(await verifyPassword(hash, 'an0ther$ecret')).toBe(true);
  });
});

describe('dialects over HTTP: default on, strictPatch off, patchDialects per rule', () => {
  async function userIn(a: TestApp) {
    const res = await a.client.post('/Users', { schemas: [USER_URN], userName: unique('u'), active: true });
    expect(res.status).toBe(201);
    return res.body;
  }

  it('rule 2: "False" deactivates by default, is invalidValue with strictPatch', async () => {
    const body = ops({ op: 'Replace', path: 'active', value: 'False' });
    const u = await createUser({ active: true });
    const res = await client.patch(`/Users/${u.id}`, body);
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    const s = await userIn(strict);
    expectScimError(await strict.client.patch(`/Users/${s.id}`, body), 400, 'invalidValue');
    expect((await strict.client.get(`/Users/${s.id}`)).body.active).toBe(true);
  });

  it('rule 5b: replace on a value path matching nothing is noTarget unless replaceCreatesFromValuePath', async () => {
    const body = ops({ op: 'replace', path: 'emails[type eq "work"].value', value: 'new@example.com' });
    const u = await createUser({ emails: [] });
    expectScimError(await client.patch(`/Users/${u.id}`, body), 400, 'noTarget');
    const l = await userIn(lenientReplace);
    const res = await lenientReplace.client.patch(`/Users/${l.id}`, body);
    expect(res.status, res.text).toBe(200);
    expect(res.body.emails).toEqual([{ type: 'work', value: 'new@example.com' }]);
  });

  it('rule 7: Okta path-less replace with the unchanged id; strictPatch refuses it', async () => {
    const u = await createUser();
    const res = await client.patch(`/Users/${u.id}`, ops({ op: 'replace', value: { id: u.id, active: false } }));
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    const s = await userIn(strict);
    expectScimError(await strict.client.patch(`/Users/${s.id}`, ops({ op: 'replace', value: { id: s.id, active: false } })), 400, 'mutability');
  });
});
