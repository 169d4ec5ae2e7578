// HTTP Basic (RFC 7617) — off unless users are configured — and discovery without credentials
// (`auth.publicDiscovery`). /ServiceProviderConfig lists exactly the schemes that are on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/resources/password.ts';
import { expectScimError, startApp, USER_URN, type TestApp } from '../helpers/scim-app.ts';
import { basic, bearer, PATCH_URN, unique, userCount } from './helpers.ts';

const schemeTypes = (spc: { authenticationSchemes: { type: string }[] }) => spc.authenticationSchemes.map((s) => s.type);

describe('HTTP Basic only', () => {
  let seed: TestApp;
  let app: TestApp;
  let meId: string;

  beforeAll(async () => {
    seed = await startApp();
    meId = ((await seed.server.users.create({ schemas: [USER_URN], userName: unique('basic-me') })) as { id: string }).id;
    app = await startApp({
      store: () => seed.server.store,
      auth: {
        basic: [
          { username: 'okta', passwordHash: await hashPassword('s3cret:with colon ü') },
          { username: 'auditor', passwordHash: await hashPassword('look-only'), readOnly: true },
          { username: 'self', passwordHash: await hashPassword('mine'), userId: meId },
        ],
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await seed?.close();
  });

  it('accepts the right user and password (a colon and non-ASCII in the password, RFC 7617 §2.1)', async () => {
    const okta = basic(app.client, 'okta', 's3cret:with colon ü');
    expect((await okta.get('/Users')).status).toBe(200);
    expect((await okta.post('/Users', { schemas: [USER_URN], userName: unique('basic') })).status).toBe(201);
    // the same credential again (served from the verification cache) still works
    expect((await okta.get('/Users?count=0')).status).toBe(200);
  });

  it.each([
    ['a wrong password', `Basic ${Buffer.from('okta:wrong').toString('base64')}`],
    ['an unknown user', `Basic ${Buffer.from('nobody:s3cret:with colon ü').toString('base64')}`],
    ['a user name case variant', `Basic ${Buffer.from('OKTA:s3cret:with colon ü').toString('base64')}`],
    ['no colon', `Basic ${Buffer.from('okta').toString('base64')}`],
    ['an empty user name', `Basic ${Buffer.from(':s3cret:with colon ü').toString('base64')}`],
    ['not base64', 'Basic %%%%'],
    ['a bearer token (Bearer is off)', 'Bearer s3cret'],
    ['nothing', undefined],
  ])('%s -> 401 with only a Basic challenge', async (_what, authorization) => {
    const client = authorization ? app.client.withHeaders({ authorization }) : app.client;
    const res = await client.get('/Users');
    expectScimError(res, 401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="scim", charset="UTF-8"');
    expect(res.body.detail).toMatch(/Basic/);
  });

  it('a read-only Basic user may read but gets 403 on writes, without a Bearer challenge', async () => {
    const auditor = basic(app.client, 'auditor', 'look-only');
    expect((await auditor.get('/Users')).status).toBe(200);
    const before = await userCount(auditor);
    const res = await auditor.post('/Users', { schemas: [USER_URN], userName: unique('audit') });
    expectScimError(res, 403);
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(await userCount(auditor)).toBe(before);
  });

  it('maps a Basic user to a User for /Me', async () => {
    const self = basic(app.client, 'self', 'mine');
    const res = await self.get('/Me');
    expect(res.status, res.text).toBe(200);
    expect(res.body.id).toBe(meId);
    const patched = await self.patch('/Me', { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'nickName', value: 'me' }] });
    expect(patched.status, patched.text).toBe(200);
  });

  it('lists only httpbasic, as primary', async () => {
    const spc = (await basic(app.client, 'okta', 's3cret:with colon ü').get('/ServiceProviderConfig')).body;
    expect(schemeTypes(spc)).toEqual(['httpbasic']);
    expect(spc.authenticationSchemes[0]).toMatchObject({ name: 'HTTP Basic', primary: true });
  });
});

describe('Bearer and Basic together', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ tokens: ['tok'], auth: { basic: [{ username: 'okta', passwordHash: await hashPassword('pw') }] } });
  });
  afterAll(() => app?.close());

  it('accepts either, and challenges with both', async () => {
    expect((await bearer(app.client, 'tok').get('/Users')).status).toBe(200);
    expect((await basic(app.client, 'okta', 'pw').get('/Users')).status).toBe(200);
    for (const client of [app.client, basic(app.client, 'okta', 'nope'), bearer(app.client, 'nope')]) {
      const res = await client.get('/Groups');
      expectScimError(res, 401);
      const challenge = res.headers.get('www-authenticate')!;
      expect(challenge).toMatch(/^Bearer realm="scim"/);
      expect(challenge).toContain('Basic realm="scim"');
    }
  });

  it('lists oauthbearertoken (primary) and httpbasic', async () => {
    const spc = (await bearer(app.client, 'tok').get('/ServiceProviderConfig')).body;
    expect(schemeTypes(spc)).toEqual(['oauthbearertoken', 'httpbasic']);
    expect(spc.authenticationSchemes.map((s: { primary?: boolean }) => Boolean(s.primary))).toEqual([true, false]);
  });
});

describe('discovery and credentials', () => {
  const DISCOVERY = ['/ServiceProviderConfig', '/ResourceTypes', '/ResourceTypes/User', '/Schemas', `/Schemas/${USER_URN}`];

  it('needs a credential by default', async () => {
    const app = await startApp({ tokens: ['tok'] });
    try {
      for (const path of DISCOVERY) expectScimError(await app.client.get(path), 401);
      for (const path of DISCOVERY) expect((await bearer(app.client, 'tok').get(path)).status, path).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('is public with publicDiscovery (a wrong credential is ignored there), and nothing else is', async () => {
    const app = await startApp({ auth: { tokens: ['tok'], publicDiscovery: true } });
    try {
      for (const client of [app.client, bearer(app.client, 'wrong')]) {
        for (const path of DISCOVERY) expect((await client.get(path)).status, path).toBe(200);
      }
      expect(schemeTypes((await app.client.get('/ServiceProviderConfig')).body)).toEqual(['oauthbearertoken']);
      // discovery's own rules still apply (RFC 7644 §4: filtering is refused)
      expectScimError(await app.client.get('/Schemas?filter=id%20pr'), 403);
      for (const path of ['/Users', '/Groups', '/Me']) expectScimError(await app.client.get(path), 401);
      expectScimError(await app.client.post('/Bulk', { schemas: [], Operations: [] }), 401);
    } finally {
      await app.close();
    }
  });
});
