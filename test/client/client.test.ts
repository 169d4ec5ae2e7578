// The typed client (`scim2-server/client`) end to end against the real app, through the package's
// own export. Everything here goes through the client only: it is typed from generated/, so a
// contract change that breaks clients fails the type-check and these tests.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  createScimClient,
  isScimClientError,
  ScimClientError,
  type ResourceOf,
  type ScimClient,
  type ScimGroup,
  type ScimUser,
} from 'scim2-server/client';
import { startApp, type TestApp } from '../helpers/scim-app.ts';

const TOKEN = 'client-test-token';
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Resolves with the error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<ScimClientError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ScimClientError);
  return err as ScimClientError;
}

describe('scim2-server/client', () => {
  let app: TestApp;
  let scim: ScimClient;

  beforeAll(async () => {
    app = await startApp({ tokens: [TOKEN], defaultCount: 2 });
    scim = createScimClient({ baseUrl: `${app.origin}/scim/v2`, token: TOKEN });
  });
  afterAll(() => app.close());

  it('creates a user and finds it by userName, case-insensitively', async () => {
    const userName = unique('bjensen');
    const created = await scim.createUser({
      userName,
      name: { givenName: 'Barbara', familyName: 'Jensen' },
      emails: [{ value: `${userName}@example.com`, type: 'work', primary: true }],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Tour Operations' },
    });
    expectTypeOf(created).toEqualTypeOf<ScimUser>();
    expect(created).toMatchObject({
      id: expect.any(String),
      userName,
      schemas: expect.arrayContaining(['urn:ietf:params:scim:schemas:core:2.0:User']),
      meta: { resourceType: 'User', location: `${app.origin}/scim/v2/Users/${created.id}` },
    });

    const found = await scim.findUserByUserName(userName.toUpperCase());
    expect(found?.id).toBe(created.id);
    expect(found?.['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']?.department).toBe('Tour Operations');
    expect(await scim.findUserByUserName(unique('nobody'))).toBeUndefined();
    // A userName with characters that need escaping in a filter literal.
    const odd = await scim.createUser({ userName: `${unique('o')}"quote\\back` });
    expect((await scim.findUserByUserName(odd.userName!))?.id).toBe(odd.id);

    const fetched = await scim.getUser(created.id!, { attributes: 'userName' });
    expect(fetched.userName).toBe(userName);
    expect(fetched.name).toBeUndefined();
  });

  it('patches a user (RFC shapes) and honours If-Match', async () => {
    const user = await scim.createUser({ userName: unique('patch'), active: true, name: { familyName: 'Old' } });
    const patched = await scim.patchUser(user.id!, [
      { op: 'replace', path: 'active', value: false },
      { op: 'replace', path: 'name.familyName', value: 'New' },
      { op: 'add', path: 'emails', value: [{ value: 'p@example.com', type: 'work' }] },
    ]);
    expect(patched).toMatchObject({ id: user.id, active: false, name: { familyName: 'New' } });
    expect(patched.emails).toEqual([expect.objectContaining({ value: 'p@example.com', type: 'work' })]);
    expect(patched.meta?.version).not.toBe(user.meta?.version);

    // The stale version is refused; the current one is accepted.
    const stale = await rejection(scim.patchUser(user.id!, [{ op: 'replace', path: 'title', value: 'x' }], { ifMatch: user.meta!.version! }));
    expect(stale.status).toBe(412);
    const fresh = await scim.patchUser(user.id!, [{ op: 'replace', path: 'title', value: 'Guide' }], { ifMatch: patched.meta!.version! });
    expect(fresh.title).toBe('Guide');

    const replaced = await scim.replaceUser(user.id!, { userName: user.userName!, displayName: 'Replaced' });
    expect(replaced).toMatchObject({ displayName: 'Replaced' });
    expect(replaced.title).toBeUndefined();
  });

  it('adds and removes group members', async () => {
    const alice = await scim.createUser({ userName: unique('alice') });
    const bob = await scim.createUser({ userName: unique('bob') });
    const carol = await scim.createUser({ userName: unique('carol') });
    const displayName = unique('Tour Guides');
    const group = await scim.createGroup({ displayName, members: [{ value: alice.id! }] });
    expectTypeOf(group).toEqualTypeOf<ScimGroup>();

    await scim.addGroupMember(group.id!, [bob.id!, carol.id!]);
    await scim.addGroupMember(group.id!, alice.id!); // already a member: unchanged
    const memberIds = async () => ((await scim.getGroup(group.id!)).members ?? []).map((m) => m.value).sort();
    expect(await memberIds()).toEqual([alice.id, bob.id, carol.id].sort());
    expect((await scim.getUser(bob.id!)).groups).toEqual([expect.objectContaining({ value: group.id, display: displayName })]);

    await scim.removeGroupMember(group.id!, bob.id!);
    await scim.removeGroupMember(group.id!, [alice.id!, 'not-a-member']);
    expect(await memberIds()).toEqual([carol.id]);

    const byName = await scim.findGroupByDisplayName(displayName);
    expect(byName).toMatchObject({ id: group.id, displayName });
    expect(byName?.members).toBeUndefined(); // members left out unless asked
    expect((await scim.findGroupByDisplayName(displayName, { excludeMembers: false }))?.members).toHaveLength(1);

    const renamed = await scim.patchGroup(group.id!, [{ op: 'replace', path: 'displayName', value: `${displayName} (renamed)` }]);
    expect(renamed.displayName).toBe(`${displayName} (renamed)`);

    await scim.deleteGroup(group.id!);
    expect((await rejection(scim.getGroup(group.id!))).status).toBe(404);
  });

  it('iterates over every page, with index and with cursor paging', async () => {
    const tag = unique('page');
    const names = Array.from({ length: 7 }, (_, i) => `${tag}-${i}`);
    for (const userName of names) await scim.createUser({ userName, title: tag });
    const query = { filter: `title eq "${tag}"`, sortBy: 'userName' };

    // Count the requests the iterator makes: 7 users in pages of 2 is 4 pages.
    const requests: string[] = [];
    const counted = createScimClient({
      baseUrl: `${app.origin}/scim/v2`,
      token: TOKEN,
      fetch: (request) => {
        requests.push(new URL(request.url).search);
        return fetch(request);
      },
    });

    const byIndex = await counted.listAll('/Users', query, { paging: 'index' });
    expect(byIndex.map((u) => u.userName)).toEqual(names);
    expect(requests).toHaveLength(4);
    expect(requests.every((q) => q.includes('startIndex='))).toBe(true);

    requests.length = 0;
    const byCursor: string[] = [];
    for await (const user of counted.iterate('/Users', query, { paging: 'cursor', pageSize: 3 })) {
      expectTypeOf(user).toEqualTypeOf<ScimUser>();
      byCursor.push(user.userName!);
    }
    expect(byCursor).toEqual(names);
    expect(requests).toHaveLength(3);
    expect(requests.every((q) => q.includes('cursor='))).toBe(true);

    // `auto` asks /ServiceProviderConfig once; this server advertises cursor paging.
    requests.length = 0;
    expect((await counted.listAll('/Users', query, { pageSize: 3 })).map((u) => u.userName)).toEqual(names);
    expect(requests.filter((q) => q.includes('cursor='))).toHaveLength(3);
    expect((await counted.serviceProviderConfig()).pagination?.cursor).toBe(true);

    // Breaking out early stops fetching.
    requests.length = 0;
    for await (const user of counted.iterate('/Users', query, { paging: 'index' })) {
      expect(user.userName).toBe(names[0]);
      break;
    }
    expect(requests).toHaveLength(1);

    // Discovery lists are ListResponses too (unpaged: one request ends the iteration).
    requests.length = 0;
    const schemas = await counted.listAll('/Schemas', {}, { paging: 'index' });
    expect(schemas.map((s) => s.id)).toContain('urn:ietf:params:scim:schemas:core:2.0:User');
    expect(requests).toHaveLength(1);

    const groups = await scim.listAll('/Groups', { filter: 'displayName eq "no such group"' });
    expectTypeOf(groups).toEqualTypeOf<ResourceOf<'/Groups'>[]>();
    expect(groups).toEqual([]);
  });

  it('surfaces SCIM errors as ScimClientError with the error body', async () => {
    const userName = unique('dup');
    await scim.createUser({ userName });
    const conflict = await rejection(scim.createUser({ userName: userName.toUpperCase() }));
    expect(conflict).toMatchObject({ status: 409, scimType: 'uniqueness', method: 'POST' });
    expect(conflict.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409' });
    expect(conflict.detail).toMatch(/userName/);
    expect(conflict.message).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/Users -> 409 uniqueness/);
    expect(isScimClientError(conflict, 409)).toBe(true);

    const missing = await rejection(scim.getUser('does-not-exist'));
    expect(missing).toMatchObject({ status: 404, method: 'GET', body: { status: '404' } });
    expect((await rejection(scim.patchUser('does-not-exist', [{ op: 'replace', path: 'active', value: true }]))).status).toBe(404);
    expect((await rejection(scim.deleteUser('does-not-exist'))).status).toBe(404);
    expect((await rejection(scim.addGroupMember('does-not-exist', 'x'))).status).toBe(404);

    const invalid = await rejection(scim.listAll('/Users', { filter: 'userName eq' }));
    expect(invalid).toMatchObject({ status: 400, scimType: 'invalidFilter' });

    const anonymous = createScimClient({ baseUrl: `${app.origin}/scim/v2` });
    expect((await rejection(anonymous.findUserByUserName('x'))).status).toBe(401);
    const wrong = createScimClient({ baseUrl: `${app.origin}/scim/v2/`, token: 'wrong' });
    expect((await rejection(wrong.getUser('x'))).status).toBe(401);
  });

  it('deletes a user', async () => {
    const user = await scim.createUser({ userName: unique('gone') });
    await expect(scim.deleteUser(user.id!)).resolves.toBeUndefined();
    expect(await scim.findUserByUserName(user.userName!)).toBeUndefined();
  });

  it('exposes the raw contract-typed client', async () => {
    const { data, error, response } = await scim.api.GET('/ResourceTypes');
    expect(error).toBeUndefined();
    expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(data?.Resources?.map((rt) => rt.name).sort()).toEqual(['Group', 'User']);

    const user = await scim.createUser({ userName: unique('raw') });
    const patched = await scim.api.PATCH('/Users/{id}', {
      params: { path: { id: user.id! } },
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
    });
    expect(patched.response.status).toBe(200);
    expect(patched.data?.active).toBe(false);

    const bulk = await scim.api.POST('/Bulk', {
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [{ method: 'POST', path: '/Users', bulkId: 'b1', data: { userName: unique('bulk') } }],
      },
    });
    expect(bulk.data?.Operations[0]?.status).toBe('201');
  });
});
