// Static bearer tokens (RFC 6750, RFC 7644 §2): clear and `sha256:` digest tokens, the legacy
// `tokens` option next to `auth.tokens`, read-only tokens (403 on every write, /Bulk included),
// and a 401 for every operation of the contract without a credential — before the body is read.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectScimError, GROUP_URN, startApp, USER_URN, type ScimTestClient, type TestApp } from '../helpers/scim-app.ts';
import { BULK_URN, bearer, PATCH_URN, rawRequest, SEARCH_URN, sha256Digest, unique, userCount } from './helpers.ts';

const ADMIN = 'admin-token-0123456789';
const DIGESTED = 'digested~token+with/odd=chars';
const LEGACY = 'legacy-token';
const READER = 'reader-token';
const ME_READER = 'me-reader-token';

/** Every operation of the contract as a concrete request. */
function contractRequests(app: TestApp): { method: string; path: string; operationId: string }[] {
  return app.server.backend.api.router.getOperations().map((op) => ({
    method: op.method.toUpperCase(),
    path: op.path.replace(/\{[^}]+\}/g, randomUUID()),
    operationId: op.operationId!,
  }));
}

describe('static bearer tokens', () => {
  let seed: TestApp;
  let app: TestApp;
  let client: ScimTestClient;
  let admin: ScimTestClient;
  let seedUser: { id: string; userName: string; meta: { version: string } };

  beforeAll(async () => {
    // A token can only name a User that exists: create it first, then serve the same store.
    seed = await startApp();
    seedUser = (await seed.server.users.create({ schemas: [USER_URN], userName: unique('me') })) as typeof seedUser;
    app = await startApp({
      store: () => seed.server.store,
      tokens: [LEGACY],
      auth: {
        tokens: [
          ADMIN,
          { token: sha256Digest(DIGESTED) },
          { token: READER, readOnly: true },
          { token: sha256Digest(ME_READER), readOnly: true, userId: seedUser.id },
        ],
      },
    });
    client = app.client;
    admin = bearer(client, ADMIN);
  });
  afterAll(async () => {
    await app?.close();
    await seed?.close();
  });

  it('accepts a clear token, a token configured as its sha256 digest, and the legacy `tokens` option', async () => {
    for (const token of [ADMIN, DIGESTED, LEGACY, READER, ME_READER]) {
      const res = await bearer(client, token).get('/Users');
      expect(res.status, token).toBe(200);
    }
  });

  it('does not accept the digest itself as a token', async () => {
    const res = await bearer(client, sha256Digest(DIGESTED)).get('/Users');
    expectScimError(res, 401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="scim", error="invalid_token"');
  });

  it('answers 401 with a Bearer challenge (and no Basic, which is off) without credentials', async () => {
    const res = await client.get('/Users');
    expectScimError(res, 401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="scim"');
    expect(res.body.detail).toMatch(/bearer token/);
  });

  it.each([
    ['a wrong token', 'Bearer nope'],
    ['a token prefix', `Bearer ${ADMIN.slice(0, -1)}`],
    ['a token with a suffix', `Bearer ${ADMIN}x`],
    ['two tokens', `Bearer ${ADMIN} ${ADMIN}`],
    ['no token', 'Bearer'],
    ['the token without a scheme', ADMIN],
    ['another scheme', `Token ${ADMIN}`],
    ['Basic, which is off', `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}`],
    ['a control character', `Bearer ${ADMIN}\u0001`],
  ])('%s -> 401', async (_what, authorization) => {
    const res = await fetch(`${client.base}/Users`, { headers: { authorization } }).catch(() => undefined);
    if (!res) return; // fetch itself refuses some header values: nothing reached the server
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="scim"/);
  });

  it('tolerates a lower-case scheme and extra blanks (RFC 6750 §2.1, RFC 9110 §11.1)', async () => {
    for (const authorization of [`bearer ${ADMIN}`, `BEARER  ${ADMIN}`, `Bearer\t${ADMIN}`, `Bearer ${ADMIN} `]) {
      const res = await client.withHeaders({ authorization }).get('/Users?count=0');
      expect(res.status, JSON.stringify(authorization)).toBe(200);
    }
  });

  it('authenticates every operation of the contract, discovery and /Bulk included', async () => {
    const requests = contractRequests(app);
    expect(requests.length).toBeGreaterThanOrEqual(25);
    for (const { method, path, operationId } of requests) {
      const body = ['POST', 'PUT', 'PATCH'].includes(method) ? { schemas: [] } : undefined;
      for (const c of [client, bearer(client, 'wrong-token')]) {
        const res = await c.request(method, path, { body });
        expectScimError(res, 401);
        expect(res.headers.get('www-authenticate'), operationId).toMatch(/^Bearer realm="scim"/);
      }
    }
  });

  it('answers 401 at once to an unauthenticated upload of any announced size, and closes the connection', async () => {
    const head = `POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nContent-Type: application/scim+json\r\nContent-Length: ${1024 ** 3}\r\n\r\n`;
    const res = await rawRequest(app.origin, head, '{"schemas":');
    expect(res.status).toBe(401);
    expect(res.ms).toBeLessThan(3000);
    expect(res.head).toMatch(/^connection: close/im);
  });

  it('authenticates before reading the body: no 400 or 415 for a client without credentials', async () => {
    expectScimError(await client.post('/Users', '{not json'), 401);
    expectScimError(await client.post('/Users', 'x', { headers: { 'content-type': 'text/plain' } }), 401);
    expectScimError(await client.post('/Bulk', '[[['), 401);
  });

  it('lists only oauthbearertoken in /ServiceProviderConfig', async () => {
    const res = await admin.get('/ServiceProviderConfig');
    expect(res.body.authenticationSchemes.map((s: { type: string }) => s.type)).toEqual(['oauthbearertoken']);
    expect(res.body.authenticationSchemes[0].primary).toBe(true);
  });

  describe('a read-only token', () => {
    let reader: ScimTestClient;
    let user: { id: string; userName: string };
    let group: { id: string };
    beforeAll(async () => {
      reader = bearer(client, READER);
      user = (await admin.post('/Users', { schemas: [USER_URN], userName: unique('ro') })).body;
      group = (await admin.post('/Groups', { schemas: [GROUP_URN], displayName: unique('ro'), members: [{ value: user.id }] })).body;
    });

    it('may read and search', async () => {
      expect((await reader.get('/Users')).status).toBe(200);
      expect((await reader.get(`/Users/${user.id}`)).status).toBe(200);
      expect((await reader.get(`/Groups/${group.id}`)).status).toBe(200);
      expect((await reader.request('HEAD', `/Users/${user.id}`, { raw: true })).status).toBe(200);
      for (const path of ['/Users/.search', '/Groups/.search', '/.search']) {
        const res = await reader.post(path, { schemas: [SEARCH_URN], count: 1 });
        expect(res.status, `${path} ${res.text}`).toBe(200);
      }
      expect((await reader.get('/ServiceProviderConfig')).status).toBe(200);
      expect((await reader.get('/Schemas')).status).toBe(200);
    });

    it('gets 403 (insufficient_scope) for every write, and nothing changes', async () => {
      const before = await userCount(admin);
      const version = (await admin.get(`/Users/${user.id}`)).body.meta.version;
      const writes: [string, string, unknown][] = [
        ['POST', '/Users', { schemas: [USER_URN], userName: unique('ro-new') }],
        ['PUT', `/Users/${user.id}`, { schemas: [USER_URN], userName: `${user.userName}-x` }],
        ['PATCH', `/Users/${user.id}`, { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'userName', value: 'x' }] }],
        ['DELETE', `/Users/${user.id}`, undefined],
        ['POST', '/Groups', { schemas: [GROUP_URN], displayName: unique('ro-new') }],
        ['PATCH', `/Groups/${group.id}`, { schemas: [PATCH_URN], Operations: [{ op: 'remove', path: 'members' }] }],
        ['DELETE', `/Groups/${group.id}`, undefined],
        ['POST', '/Bulk', { schemas: [BULK_URN], Operations: [{ method: 'POST', path: '/Users', bulkId: 'a', data: { schemas: [USER_URN], userName: unique('ro-bulk') } }] }],
        ['POST', '/Bulk', { schemas: [BULK_URN], Operations: [{ method: 'DELETE', path: `/Users/${user.id}` }] }],
        ['PUT', '/Me', { schemas: [USER_URN], userName: 'x' }],
        ['PATCH', '/Me', { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] }],
        ['DELETE', '/Me', undefined],
      ];
      for (const [method, path, body] of writes) {
        const res = await reader.request(method, path, { body });
        expectScimError(res, 403);
        expect(res.headers.get('www-authenticate'), `${method} ${path}`).toBe('Bearer realm="scim", error="insufficient_scope"');
      }
      expect(await userCount(admin)).toBe(before);
      expect((await admin.get(`/Users/${user.id}`)).body.meta.version).toBe(version);
      expect((await admin.get(`/Groups/${group.id}`)).body.members).toHaveLength(1);
    });

    it('gets 403 before its body is read (a malformed write is still 403, not 400)', async () => {
      expectScimError(await reader.post('/Users', '{not json'), 403);
      expectScimError(await reader.post('/Bulk', '[[['), 403);
    });

    it('bound to a User: GET /Me works, writing /Me is 403', async () => {
      const meReader = bearer(client, ME_READER);
      const me = await meReader.get('/Me');
      expect(me.status, me.text).toBe(200);
      expect(me.body.id).toBe(seedUser.id);
      const res = await meReader.patch('/Me', { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] });
      expectScimError(res, 403);
      expect((await admin.get(`/Users/${seedUser.id}`)).body.meta.version).toBe(seedUser.meta.version);
    });
  });
});

describe('authentication off (no credential configured)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('lets every request through, whatever Authorization says, and lists no scheme', async () => {
    expect((await app.client.get('/Users')).status).toBe(200);
    expect((await bearer(app.client, 'anything').post('/Users', { schemas: [USER_URN], userName: unique('open') })).status).toBe(201);
    expect((await app.client.get('/ServiceProviderConfig')).body.authenticationSchemes).toEqual([]);
  });
});
