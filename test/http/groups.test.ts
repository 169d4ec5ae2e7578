// Groups over HTTP (RFC 7643 §4.2, RFC 7644 §3.3-3.6), through the real app. Every response is
// checked against the contract by the test client.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectScimError,
  GROUP_URN,
  startApp,
  USER_URN,
  type ScimTestClient,
  type TestApp,
} from '../helpers/scim-app.ts';

const ENTRA_GROUP_URN = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Group';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

async function createUser(client: ScimTestClient, extra: Record<string, unknown> = {}) {
  const res = await client.post('/Users', { schemas: [USER_URN], userName: unique('user'), ...extra });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; userName: string; displayName?: string };
}

async function createGroup(client: ScimTestClient, members: Record<string, unknown>[] = [], displayName = unique('group')) {
  const res = await client.post('/Groups', { schemas: [GROUP_URN], displayName, ...(members.length ? { members } : {}) });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; displayName: string; members?: Record<string, unknown>[] };
}

async function groupCount(client: ScimTestClient): Promise<number> {
  const res = await client.get('/Groups?count=0');
  expect(res.status).toBe(200);
  return res.body.totalResults;
}

const memberIds = (group: { members?: { value?: unknown }[] }) => (group.members ?? []).map((m) => m.value).sort();

describe('Groups', () => {
  let app: TestApp;
  let client: ScimTestClient;
  beforeAll(async () => {
    app = await startApp();
    client = app.client;
  });
  afterAll(() => app.close());

  describe('POST /Groups', () => {
    it('creates a group: 201, Location = meta.location, ETag = meta.version, readable afterwards', async () => {
      const displayName = unique('Tour Guides');
      const res = await client.post('/Groups', { schemas: [GROUP_URN], displayName });
      expect(res.status).toBe(201);
      expect(res.body.schemas).toEqual([GROUP_URN]);
      expect(res.body.displayName).toBe(displayName);
      expect(typeof res.body.id).toBe('string');
      expect(res.body.meta.resourceType).toBe('Group');
      expect(res.body.meta.location).toBe(`${client.base}/Groups/${res.body.id}`);
      expect(res.headers.get('location')).toBe(res.body.meta.location);
      expect(res.headers.get('etag')).toBe(res.body.meta.version);
      expect(res.body.meta.version).toMatch(/^(W\/)?".+"$/);

      const got = await client.get(`/Groups/${res.body.id}`);
      expect(got.status).toBe(200);
      expect(got.body.displayName).toBe(displayName);
      expect(got.body.meta.version).toBe(res.body.meta.version);
      expect(got.headers.get('etag')).toBe(got.body.meta.version);
    });

    it('requires displayName: 400 invalidValue naming the attribute, nothing created', async () => {
      const before = await groupCount(client);
      const res = await client.post('/Groups', { schemas: [GROUP_URN], externalId: unique('ext') });
      expectScimError(res, 400, 'invalidValue');
      expect(res.body.detail).toMatch(/displayName/);
      expect(await groupCount(client)).toBe(before);
    });

    it('rejects an empty displayName (REQUIRED, RFC 7643 §4.2): 400 invalidValue, nothing created', async () => {
      const before = await groupCount(client);
      const res = await client.post('/Groups', { schemas: [GROUP_URN], displayName: '' });
      expectScimError(res, 400, 'invalidValue');
      expect(res.body.detail).toMatch(/displayName/);
      expect(await groupCount(client)).toBe(before);
    });

    it("accepts Entra ID's create body (ADSCIM schema URN, externalId, client-sent meta)", async () => {
      const displayName = unique('Entra Group');
      const externalId = randomUUID();
      const res = await client.post('/Groups', {
        schemas: [GROUP_URN, ENTRA_GROUP_URN],
        externalId,
        displayName,
        meta: { resourceType: 'Group' },
      });
      expect(res.status, res.text).toBe(201);
      expect(res.body.displayName).toBe(displayName);
      expect(res.body.externalId).toBe(externalId);
      // meta is the server's, not the client's
      expect(res.body.meta.location).toBe(`${client.base}/Groups/${res.body.id}`);
      expect(typeof res.body.meta.created).toBe('string');
    });

    it("accepts Okta's group push body with an empty member list: 201, no members", async () => {
      const displayName = unique('Okta Group');
      const res = await client.post('/Groups', { schemas: [GROUP_URN], displayName, members: [] });
      expect(res.status, res.text).toBe(201);
      expect(res.body.displayName).toBe(displayName);
      expect(res.body.members ?? []).toEqual([]);
      const got = await client.get(`/Groups/${res.body.id}`);
      expect(got.body.members ?? []).toEqual([]);
    });
  });

  describe('members', () => {
    it('must reference existing resources: unknown id -> 400 invalidValue, nothing created', async () => {
      const user = await createUser(client);
      const before = await groupCount(client);
      const missing = randomUUID();
      const res = await client.post('/Groups', {
        schemas: [GROUP_URN],
        displayName: unique('bad members'),
        members: [{ value: user.id }, { value: missing }],
      });
      expectScimError(res, 400, 'invalidValue');
      expect(res.body.detail).toContain(missing);
      expect(await groupCount(client)).toBe(before);
      // the valid member did not end up in some group either
      const u = await client.get(`/Users/${user.id}`);
      expect(u.body.groups ?? []).toEqual([]);
    });

    it('are returned with value, absolute $ref, type and a display filled from the member', async () => {
      const withDisplay = await createUser(client, { displayName: 'Babs Jensen' });
      const withoutDisplay = await createUser(client);
      const child = await createGroup(client);
      const res = await client.post('/Groups', {
        schemas: [GROUP_URN],
        displayName: unique('parent'),
        members: [{ value: withDisplay.id }, { value: withoutDisplay.id }, { value: child.id }],
      });
      expect(res.status, res.text).toBe(201);
      const byId = new Map((res.body.members as Record<string, unknown>[]).map((m) => [m.value, m]));
      expect(byId.size).toBe(3);
      expect(byId.get(withDisplay.id)).toEqual({
        value: withDisplay.id,
        $ref: `${client.base}/Users/${withDisplay.id}`,
        type: 'User',
        display: 'Babs Jensen',
      });
      expect(byId.get(withoutDisplay.id)).toEqual({
        value: withoutDisplay.id,
        $ref: `${client.base}/Users/${withoutDisplay.id}`,
        type: 'User',
        display: withoutDisplay.userName,
      });
      expect(byId.get(child.id)).toEqual({
        value: child.id,
        $ref: `${client.base}/Groups/${child.id}`,
        type: 'Group',
        display: child.displayName,
      });
      // the $ref really points at the member
      const followed = await client.get(byId.get(withDisplay.id)!.$ref as string);
      expect(followed.status).toBe(200);
      expect(followed.body.id).toBe(withDisplay.id);
      // and the same list is served by GET
      const got = await client.get(`/Groups/${res.body.id}`);
      expect(got.body.members).toEqual(expect.arrayContaining([...byId.values()]));
      expect(got.body.members).toHaveLength(3);
    });

    it("keeps a display the client sent (Okta sends the userName)", async () => {
      const user = await createUser(client, { displayName: 'Real Name' });
      const group = await createGroup(client, [{ value: user.id, display: 'Sent Display' }]);
      expect(group.members).toEqual([expect.objectContaining({ value: user.id, display: 'Sent Display' })]);
    });

    it('accepts a matching member type and rejects a wrong one with 400', async () => {
      const user = await createUser(client);
      const child = await createGroup(client);
      const ok = await createGroup(client, [
        { value: user.id, type: 'User' },
        { value: child.id, type: 'Group' },
      ]);
      expect(memberIds(ok)).toEqual([user.id, child.id].sort());

      const before = await groupCount(client);
      const wrongUser = await client.post('/Groups', {
        schemas: [GROUP_URN],
        displayName: unique('wrong type'),
        members: [{ value: user.id, type: 'Group' }],
      });
      expectScimError(wrongUser, 400);
      const wrongGroup = await client.post('/Groups', {
        schemas: [GROUP_URN],
        displayName: unique('wrong type'),
        members: [{ value: child.id, type: 'User' }],
      });
      expectScimError(wrongGroup, 400);
      // a wrong type is wrong even on a repeated entry
      const wrongRepeat = await client.post('/Groups', {
        schemas: [GROUP_URN],
        displayName: unique('wrong type'),
        members: [{ value: user.id, type: 'User' }, { value: user.id, type: 'Group' }],
      });
      expectScimError(wrongRepeat, 400, 'invalidValue');
      expect(await groupCount(client)).toBe(before);
    });

    it('collapses duplicate member entries into one', async () => {
      const user = await createUser(client);
      const group = await createGroup(client, [{ value: user.id }, { value: user.id, type: 'User' }, { value: user.id }]);
      expect(group.members).toHaveLength(1);
      expect(group.members![0].value).toBe(user.id);
      const got = await client.get(`/Groups/${group.id}`);
      expect(got.body.members).toHaveLength(1);
    });

    it('a group cannot contain itself (400), and the group is unchanged', async () => {
      const user = await createUser(client);
      const group = await createGroup(client, [{ value: user.id }]);
      const res = await client.put(`/Groups/${group.id}`, {
        schemas: [GROUP_URN],
        displayName: group.displayName,
        members: [{ value: user.id }, { value: group.id }],
      });
      expectScimError(res, 400);
      const got = await client.get(`/Groups/${group.id}`);
      expect(memberIds(got.body)).toEqual([user.id]);
    });
  });

  describe('projection', () => {
    it('excludedAttributes=members leaves the member list out (Entra ID "Get Group")', async () => {
      const user = await createUser(client);
      const group = await createGroup(client, [{ value: user.id }]);
      const res = await client.get(`/Groups/${group.id}?excludedAttributes=members`);
      expect(res.status).toBe(200);
      expect(res.body).not.toHaveProperty('members');
      expect(res.body.id).toBe(group.id);
      expect(res.body.displayName).toBe(group.displayName);
      // without the parameter the members are there
      const full = await client.get(`/Groups/${group.id}`);
      expect(memberIds(full.body)).toEqual([user.id]);
    });

    it('attributes=members.value returns member values only', async () => {
      const user = await createUser(client, { displayName: 'Shown' });
      const group = await createGroup(client, [{ value: user.id }]);
      const res = await client.get(`/Groups/${group.id}?attributes=members.value`);
      expect(res.status).toBe(200);
      expect(res.body.members).toEqual([{ value: user.id }]);
      expect(res.body).not.toHaveProperty('displayName');
    });

    it("Entra ID's lookup by displayName without members (filter + excludedAttributes on the list)", async () => {
      const user = await createUser(client);
      const group = await createGroup(client, [{ value: user.id }], unique('Entra Lookup'));
      await createGroup(client, [], unique('Entra Other'));
      const filter = encodeURIComponent(`displayName eq "${group.displayName}"`);
      const res = await client.get(`/Groups?excludedAttributes=members&filter=${filter}`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.totalResults).toBe(1);
      expect(res.body.Resources).toHaveLength(1);
      expect(res.body.Resources[0].id).toBe(group.id);
      expect(res.body.Resources[0].displayName).toBe(group.displayName);
      expect(res.body.Resources[0]).not.toHaveProperty('members');
    });

    it('attributes=displayName returns id, schemas and displayName only (plus returned:always)', async () => {
      const user = await createUser(client);
      const externalId = randomUUID();
      const res0 = await client.post('/Groups', {
        schemas: [GROUP_URN],
        displayName: unique('projected'),
        externalId,
        members: [{ value: user.id }],
      });
      expect(res0.status).toBe(201);
      const group = res0.body;

      const schema = await client.get(`/Schemas/${GROUP_URN}`);
      const always = (schema.body.attributes as { name: string; returned: string }[])
        .filter((a) => a.returned === 'always')
        .map((a) => a.name);
      const res = await client.get(`/Groups/${group.id}?attributes=displayName`);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(group.id);
      expect(res.body.schemas).toEqual([GROUP_URN]);
      expect(res.body.displayName).toBe(group.displayName);
      const allowed = new Set(['id', 'schemas', 'displayName', ...always]);
      expect(Object.keys(res.body).filter((k) => !allowed.has(k))).toEqual([]);
      expect(res.body).not.toHaveProperty('members');
      expect(res.body).not.toHaveProperty('externalId');
    });
  });

  describe('User.groups (derived)', () => {
    it('lists direct and indirect (nested) groups with display and $ref', async () => {
      const user = await createUser(client);
      const g1 = await createGroup(client, [{ value: user.id }], unique('G1'));
      const g2 = await createGroup(client, [{ value: g1.id }], unique('G2'));

      const res = await client.get(`/Users/${user.id}`);
      expect(res.status).toBe(200);
      const groups = res.body.groups as Record<string, unknown>[];
      expect(groups).toHaveLength(2);
      expect(groups).toEqual(
        expect.arrayContaining([
          { value: g1.id, $ref: `${client.base}/Groups/${g1.id}`, display: g1.displayName, type: 'direct' },
          { value: g2.id, $ref: `${client.base}/Groups/${g2.id}`, display: g2.displayName, type: 'indirect' },
        ]),
      );
      // G1 itself belongs to G2 directly
      const g1Now = await client.get(`/Groups/${g1.id}`);
      expect(g1Now.status).toBe(200);
    });

    it('follows a rename of the group (it is derived, not copied)', async () => {
      const user = await createUser(client);
      const g = await createGroup(client, [{ value: user.id }]);
      const renamed = unique('renamed');
      const put = await client.put(`/Groups/${g.id}`, { schemas: [GROUP_URN], displayName: renamed, members: [{ value: user.id }] });
      expect(put.status, put.text).toBe(200);
      const res = await client.get(`/Users/${user.id}`);
      expect(res.body.groups).toEqual([expect.objectContaining({ value: g.id, display: renamed, type: 'direct' })]);
    });

    it('is empty for a user in no group, and clients cannot write it', async () => {
      const other = await createGroup(client);
      const res = await client.post('/Users', {
        schemas: [USER_URN],
        userName: unique('user'),
        groups: [{ value: other.id, display: 'forged' }],
      });
      expect(res.status, res.text).toBe(201);
      expect(res.body.groups ?? []).toEqual([]);
      const group = await client.get(`/Groups/${other.id}`);
      expect(group.body.members ?? []).toEqual([]);
    });

    it("survives a full PUT of the user that sends groups: [] (Okta's replace): membership is kept", async () => {
      const user = await createUser(client);
      const g = await createGroup(client, [{ value: user.id }]);
      const current = (await client.get(`/Users/${user.id}`)).body;
      const put = await client.put(`/Users/${user.id}`, { ...current, displayName: 'Updated', groups: [] });
      expect(put.status, put.text).toBe(200);
      expect(put.body.groups).toEqual([expect.objectContaining({ value: g.id, type: 'direct' })]);
      const group = await client.get(`/Groups/${g.id}`);
      expect(memberIds(group.body)).toEqual([user.id]);
    });

    it('terminates on membership cycles and lists each group once', async () => {
      const user = await createUser(client);
      const a = await createGroup(client, [{ value: user.id }], unique('A'));
      const b = await createGroup(client, [{ value: a.id }], unique('B'));
      const put = await client.put(`/Groups/${a.id}`, {
        schemas: [GROUP_URN],
        displayName: a.displayName,
        members: [{ value: user.id }, { value: b.id }],
      });
      // Either rejected (cycle) or accepted; in both cases reading must work and not loop.
      expect([200, 400]).toContain(put.status);
      const res = await client.get(`/Users/${user.id}`);
      expect(res.status).toBe(200);
      const ids = (res.body.groups as { value: string }[]).map((g) => g.value).sort();
      expect(ids).toEqual([a.id, b.id].sort());
    });
  });

  describe('deletion', () => {
    it('deleting a user removes it from every group', async () => {
      const user = await createUser(client);
      const keep = await createUser(client);
      const g1 = await createGroup(client, [{ value: user.id }, { value: keep.id }]);
      const g2 = await createGroup(client, [{ value: user.id }]);
      const del = await client.delete(`/Users/${user.id}`);
      expect(del.status).toBe(204);
      const r1 = await client.get(`/Groups/${g1.id}`);
      expect(memberIds(r1.body)).toEqual([keep.id]);
      const r2 = await client.get(`/Groups/${g2.id}`);
      expect(r2.body.members ?? []).toEqual([]);
    });

    it('deleting a group removes it from its parent group and from users\' indirect groups', async () => {
      const user = await createUser(client);
      const child = await createGroup(client, [{ value: user.id }]);
      const sibling = await createUser(client);
      const parent = await createGroup(client, [{ value: child.id }, { value: sibling.id }]);
      const before = await client.get(`/Users/${user.id}`);
      expect((before.body.groups as { value: string }[]).map((g) => g.value).sort()).toEqual([child.id, parent.id].sort());

      const del = await client.delete(`/Groups/${child.id}`);
      expect(del.status).toBe(204);
      expectScimError(await client.get(`/Groups/${child.id}`), 404);
      const p = await client.get(`/Groups/${parent.id}`);
      expect(memberIds(p.body)).toEqual([sibling.id]);
      const after = await client.get(`/Users/${user.id}`);
      expect(after.body.groups ?? []).toEqual([]);
    });
  });

  describe('PUT /Groups/{id}', () => {
    it('replaces displayName and the whole member list', async () => {
      const a = await createUser(client);
      const b = await createUser(client);
      const c = await createUser(client);
      const group = await createGroup(client, [{ value: a.id }, { value: b.id }]);
      const newName = unique('replaced');
      const res = await client.put(`/Groups/${group.id}`, {
        schemas: [GROUP_URN],
        displayName: newName,
        members: [{ value: b.id }, { value: c.id }],
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body.displayName).toBe(newName);
      expect(memberIds(res.body)).toEqual([b.id, c.id].sort());
      expect(res.headers.get('etag')).toBe(res.body.meta.version);
      expect(res.headers.get('location')).toBe(res.body.meta.location);

      const got = await client.get(`/Groups/${group.id}`);
      expect(got.body.displayName).toBe(newName);
      expect(memberIds(got.body)).toEqual([b.id, c.id].sort());
      // the removed member no longer lists the group
      const ua = await client.get(`/Users/${a.id}`);
      expect(ua.body.groups ?? []).toEqual([]);
    });

    it('without members clears the member list', async () => {
      const a = await createUser(client);
      const group = await createGroup(client, [{ value: a.id }]);
      const res = await client.put(`/Groups/${group.id}`, { schemas: [GROUP_URN], displayName: group.displayName });
      expect(res.status, res.text).toBe(200);
      expect(res.body.members ?? []).toEqual([]);
      const got = await client.get(`/Groups/${group.id}`);
      expect(got.body.members ?? []).toEqual([]);
    });

    it('with an unknown member -> 400 and the group is unchanged', async () => {
      const a = await createUser(client);
      const b = await createUser(client);
      const group = await createGroup(client, [{ value: a.id }]);
      const before = await client.get(`/Groups/${group.id}`);
      const res = await client.put(`/Groups/${group.id}`, {
        schemas: [GROUP_URN],
        displayName: unique('should not stick'),
        members: [{ value: b.id }, { value: randomUUID() }],
      });
      expectScimError(res, 400, 'invalidValue');
      const after = await client.get(`/Groups/${group.id}`);
      expect(after.body.displayName).toBe(group.displayName);
      expect(memberIds(after.body)).toEqual([a.id]);
      expect(after.body.meta.version).toBe(before.body.meta.version);
    });

    it('of an unknown group -> 404', async () => {
      const res = await client.put(`/Groups/${randomUUID()}`, { schemas: [GROUP_URN], displayName: 'x' });
      expectScimError(res, 404);
    });
  });
});

describe('Groups list paging', () => {
  let app: TestApp;
  let client: ScimTestClient;
  const names: string[] = [];
  beforeAll(async () => {
    app = await startApp();
    client = app.client;
    for (let i = 0; i < 5; i++) names.push((await createGroup(client, [], unique(`page${i}`))).displayName);
  });
  afterAll(() => app.close());

  it('returns every group with totalResults, startIndex and itemsPerPage', async () => {
    const res = await client.get('/Groups');
    expect(res.status).toBe(200);
    expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    expect(res.body.totalResults).toBe(5);
    expect(res.body.startIndex).toBe(1);
    expect(res.body.itemsPerPage).toBe(5);
    expect(res.body.Resources.map((g: { displayName: string }) => g.displayName).sort()).toEqual([...names].sort());
  });

  it('pages with startIndex and count, without overlap or gaps', async () => {
    const seen: string[] = [];
    for (const startIndex of [1, 3, 5]) {
      const res = await client.get(`/Groups?startIndex=${startIndex}&count=2`);
      expect(res.status).toBe(200);
      expect(res.body.totalResults).toBe(5);
      expect(res.body.startIndex).toBe(startIndex);
      const expected = Math.min(2, 5 - startIndex + 1);
      expect(res.body.itemsPerPage).toBe(expected);
      expect(res.body.Resources).toHaveLength(expected);
      seen.push(...res.body.Resources.map((g: { id: string }) => g.id));
    }
    expect(new Set(seen).size).toBe(5);
  });

  it('count=0 returns only the total; a startIndex past the end returns no resources', async () => {
    const zero = await client.get('/Groups?count=0');
    expect(zero.body.totalResults).toBe(5);
    expect(zero.body.itemsPerPage).toBe(0);
    expect(zero.body.Resources ?? []).toEqual([]);
    const past = await client.get('/Groups?startIndex=6&count=10');
    expect(past.body.totalResults).toBe(5);
    expect(past.body.itemsPerPage).toBe(0);
    expect(past.body.Resources ?? []).toEqual([]);
  });

  it("answers Okta's test-connection query (startIndex=1&count=100)", async () => {
    const res = await client.get('/Groups?startIndex=1&count=100');
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(5);
    expect(res.body.Resources).toHaveLength(5);
  });
});
