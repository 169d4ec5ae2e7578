// /Me over HTTP (RFC 7644 §3.11): the User the caller's bearer token maps to, addressed as if by
// id, with Location pointing at /Users/{id}; 501 when the credential maps to no User. Every
// response is contract-checked by the test client.
//
// Tokens are fixed when a server is created, and a User's id is only known once it exists. So the
// Users are created first, through the library API of a server with no tokens, and a second app
// is started on the same store (the `store` option's factory returns the first server's store)
// with tokens that map to those ids.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectScimError, startApp, USER_URN, type ScimTestClient, type TestApp } from '../helpers/scim-app.ts';

const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

const ALICE = 'alice-token';
const DAVE = 'dave-token';
const GHOST = 'ghost-token';
const SERVICE = 'service-token';

describe('/Me with tokens mapped to Users', () => {
  let seed: TestApp;
  let app: TestApp;
  let alice: { id: string; userName: string; meta: { version: string } };
  let dave: { id: string; userName: string };
  const as = (token: string): ScimTestClient => app.client.withHeaders({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    seed = await startApp();
    alice = (await seed.server.users.create({
      schemas: [USER_URN],
      userName: unique('alice'),
      displayName: 'Alice',
      nickName: 'Al',
    })) as typeof alice;
    dave = (await seed.server.users.create({ schemas: [USER_URN], userName: unique('dave') })) as typeof dave;
    app = await startApp({
      store: () => seed.server.store,
      tokens: [
        { token: ALICE, userId: alice.id },
        { token: DAVE, userId: dave.id },
        { token: GHOST, userId: `missing-${randomUUID()}` },
        SERVICE,
      ],
    });
  });
  afterAll(async () => {
    await app?.close();
    await seed?.close();
  });

  describe('GET /Me', () => {
    it("returns the caller's User, Location = /Users/{id} (absolute), ETag = meta.version", async () => {
      const res = await as(ALICE).get('/Me');
      expect(res.status, res.text).toBe(200);
      expect(res.body.id).toBe(alice.id);
      expect(res.body.userName).toBe(alice.userName);
      expect(res.body.schemas).toContain(USER_URN);
      const location = `${app.client.base}/Users/${alice.id}`;
      expect(res.headers.get('location')).toBe(location);
      expect(res.body.meta.location).toBe(location);
      expect(res.headers.get('etag')).toBe(res.body.meta.version);
      expect(res.body.meta.resourceType).toBe('User');

      // The same resource as GET /Users/{id}.
      const byId = await as(SERVICE).get(`/Users/${alice.id}`);
      expect(byId.status).toBe(200);
      expect(res.body).toEqual(byId.body);
    });

    it('honours attributes (projection) like GET /Users/{id}', async () => {
      const res = await as(ALICE).get('/Me?attributes=userName');
      expect(res.status, res.text).toBe(200);
      expect(res.body.id).toBe(alice.id);
      expect(res.body.userName).toBe(alice.userName);
      expect(res.body.displayName).toBeUndefined();
    });
  });

  describe('PUT /Me', () => {
    it("replaces the caller's User: 200 with the User, Location and ETag; visible at /Users/{id}", async () => {
      const before = await as(ALICE).get('/Me');
      const res = await as(ALICE).put('/Me', { schemas: [USER_URN], userName: alice.userName, displayName: 'Alice Replaced' });
      expect(res.status, res.text).toBe(200);
      expect(res.body.id).toBe(alice.id);
      expect(res.body.displayName).toBe('Alice Replaced');
      expect(res.body.nickName).toBeUndefined(); // a replace drops what the body leaves out
      expect(res.headers.get('location')).toBe(`${app.client.base}/Users/${alice.id}`);
      expect(res.headers.get('etag')).toBe(res.body.meta.version);
      expect(res.body.meta.version).not.toBe(before.body.meta.version);

      const byId = await as(SERVICE).get(`/Users/${alice.id}`);
      expect(byId.body.displayName).toBe('Alice Replaced');
      expect(byId.body.nickName).toBeUndefined();
      expect(byId.body.meta.version).toBe(res.body.meta.version);
    });

    it('answers a stale If-Match with 412 and changes nothing', async () => {
      const current = await as(ALICE).get('/Me');
      const res = await as(ALICE).put('/Me', { schemas: [USER_URN], userName: alice.userName, displayName: 'Stale' }, { headers: { 'if-match': 'W/"stale"' } });
      expectScimError(res, 412);
      const after = await as(ALICE).get('/Me');
      expect(after.body).toEqual(current.body);
    });
  });

  describe('PATCH /Me', () => {
    it("modifies the caller's User: 200 with the User, Location and ETag", async () => {
      const res = await as(ALICE).patch('/Me', {
        schemas: [PATCH_URN],
        Operations: [{ op: 'replace', path: 'displayName', value: 'Alice Patched' }],
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body.id).toBe(alice.id);
      expect(res.body.displayName).toBe('Alice Patched');
      expect(res.headers.get('location')).toBe(`${app.client.base}/Users/${alice.id}`);
      expect(res.headers.get('etag')).toBe(res.body.meta.version);

      const byId = await as(SERVICE).get(`/Users/${alice.id}`);
      expect(byId.body.displayName).toBe('Alice Patched');
      expect(byId.body.meta.version).toBe(res.body.meta.version);
    });
  });

  describe('If-Match on /Me', () => {
    it('answers a stale If-Match on PATCH and DELETE with 412; a current one is honoured', async () => {
      const current = await as(ALICE).get('/Me');
      const stale = { headers: { 'if-match': 'W/"stale"' } };
      const patch = { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'title', value: 'Engineer' }] };
      expectScimError(await as(ALICE).patch('/Me', patch, stale), 412);
      expectScimError(await as(ALICE).delete('/Me', stale), 412);
      expect((await as(ALICE).get('/Me')).body).toEqual(current.body);
      const ok = await as(ALICE).patch('/Me', patch, { headers: { 'if-match': current.body.meta.version } });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.body.title).toBe('Engineer');
    });
  });

  describe('DELETE /Me', () => {
    it("deletes the caller's User: 204, then /Users/{id} is 404 and so is /Me", async () => {
      const res = await as(DAVE).delete('/Me');
      expect(res.status, res.text).toBe(204);
      expect(res.text).toBe('');
      expectScimError(await as(SERVICE).get(`/Users/${dave.id}`), 404);
      // The token still maps to the id, which no longer exists.
      expectScimError(await as(DAVE).get('/Me'), 404);
      expectScimError(await as(DAVE).delete('/Me'), 404);
    });
  });

  describe('a token mapped to a User id that does not exist', () => {
    it('answers 404 for every method', async () => {
      const me = as(GHOST);
      expectScimError(await me.get('/Me'), 404);
      expectScimError(await me.put('/Me', { schemas: [USER_URN], userName: unique('ghost') }), 404);
      expectScimError(await me.patch('/Me', { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] }), 404);
      expectScimError(await me.delete('/Me'), 404);
    });

    it('does not create the User on PUT', async () => {
      const userName = unique('ghost-put');
      await as(GHOST).put('/Me', { schemas: [USER_URN], userName });
      const found = await as(SERVICE).get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
      expect(found.body.totalResults).toBe(0);
    });
  });

  describe('a token that maps to no User', () => {
    it('answers 501 for every method, and changes nothing', async () => {
      const me = as(SERVICE);
      const before = await me.get(`/Users/${alice.id}`);
      expectScimError(await me.get('/Me'), 501);
      expectScimError(await me.put('/Me', { schemas: [USER_URN], userName: unique('svc') }), 501);
      expectScimError(await me.patch('/Me', { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'displayName', value: 'svc' }] }), 501);
      expectScimError(await me.delete('/Me'), 501);
      expect((await me.get(`/Users/${alice.id}`)).body).toEqual(before.body);
    });
  });

  describe('authentication still applies', () => {
    it('answers 401 with WWW-Authenticate without a token, for every method', async () => {
      const anonymous = app.client;
      const responses = [
        await anonymous.get('/Me'),
        await anonymous.put('/Me', { schemas: [USER_URN], userName: alice.userName }),
        await anonymous.patch('/Me', { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] }),
        await anonymous.delete('/Me'),
      ];
      for (const res of responses) {
        expectScimError(res, 401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    });

    it('answers 401 for a wrong token', async () => {
      expectScimError(await as('not-a-configured-token').get('/Me'), 401);
    });

    it('does not change the User when the request is not authenticated', async () => {
      const before = await as(ALICE).get('/Me');
      await app.client.patch('/Me', { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'displayName', value: 'Intruder' }] });
      await app.client.delete('/Me');
      const after = await as(ALICE).get('/Me');
      expect(after.status).toBe(200);
      expect(after.body).toEqual(before.body);
    });
  });
});

describe('/Me with no tokens configured (authentication off)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('answers 501 for every method: no credential, so no User', async () => {
    const client = app.client;
    const user = await client.post('/Users', { schemas: [USER_URN], userName: unique('anon') });
    expect(user.status).toBe(201);
    expectScimError(await client.get('/Me'), 501);
    expectScimError(await client.put('/Me', { schemas: [USER_URN], userName: unique('anon') }), 501);
    expectScimError(await client.patch('/Me', { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] }), 501);
    expectScimError(await client.delete('/Me'), 501);
    // A bearer token sent anyway changes nothing.
    expectScimError(await client.withHeaders({ authorization: 'Bearer whatever' }).get('/Me'), 501);
    expect((await client.get(`/Users/${user.body.id}`)).status).toBe(200);
  });
});
