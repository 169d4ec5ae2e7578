// OAuth 2.0 JWT bearer tokens (RFC 6750, RFC 7519), verified with keys generated here and served as
// a JWKS from a loopback HTTP server and from a file: issuer, audience, expiry, algorithm
// allow-list and signature checks (401 otherwise), write permission from a scope or role, /Me from
// a claim, and 503 rather than 401 when the JWKS cannot be fetched.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScimServer } from '../../src/server.ts';
import { expectScimError, startApp, USER_URN, type TestApp } from '../helpers/scim-app.ts';
import { bearer, PATCH_URN, SEARCH_URN, unique } from './helpers.ts';

const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'https://scim.example.com';
type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

interface Signer {
  kid: string;
  alg: string;
  privateKey: Key;
  publicJwk: Record<string, unknown>;
}

async function signer(alg: 'RS256' | 'ES256' | 'PS256', kid: string): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

const now = () => Math.floor(Date.now() / 1000);

function sign(s: Signer, claims: JWTPayload = {}, header: { kid?: string; alg?: string } = {}): Promise<string> {
  return new SignJWT({ sub: 'client-1', iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 300, ...claims })
    .setProtectedHeader({ alg: header.alg ?? s.alg, kid: header.kid ?? s.kid, typ: 'at+jwt' })
    .sign(s.privateKey);
}

/** A JWKS on a loopback HTTP server that counts its requests. */
async function jwksServer(keys: Record<string, unknown>[]): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('JWT bearer tokens with a JWKS over HTTP', () => {
  let rsa: Signer;
  let ec: Signer;
  let stranger: Signer; // same kid as rsa, but a key the JWKS does not have
  let jwks: Awaited<ReturnType<typeof jwksServer>>;
  let app: TestApp;
  let userId: string;

  beforeAll(async () => {
    rsa = await signer('RS256', 'rsa-1');
    ec = await signer('ES256', 'ec-1');
    stranger = await signer('RS256', 'rsa-1');
    jwks = await jwksServer([rsa.publicJwk, ec.publicJwk]);
    app = await startApp({
      tokens: ['static-token'],
      auth: { jwt: { jwks: jwks.url, issuer: ISSUER, audience: [AUDIENCE, 'other-audience'], userIdClaim: 'uid', writeScope: 'scim:write' } },
    });
    userId = (await app.server.users.create({ schemas: [USER_URN], userName: unique('jwt-me') }) as { id: string }).id;
  });
  afterAll(async () => {
    await app?.close();
    await jwks?.close();
  });

  it('accepts a valid RS256 or ES256 token that grants the write scope, next to static tokens', async () => {
    for (const s of [rsa, ec]) {
      const token = await sign(s, { scope: 'scim:read scim:write' });
      expect((await bearer(app.client, token).get('/Users')).status).toBe(200);
      const created = await bearer(app.client, token).post('/Users', { schemas: [USER_URN], userName: unique(`jwt-${s.alg}`) });
      expect(created.status, created.text).toBe(201);
    }
    expect((await bearer(app.client, 'static-token').get('/Users')).status).toBe(200);
  });

  it('accepts any listed audience', async () => {
    const token = await sign(rsa, { aud: ['unrelated', 'other-audience'], scope: 'scim:write' });
    expect((await bearer(app.client, token).get('/Users')).status).toBe(200);
  });

  it.each<[string, (s: { rsa: Signer; ec: Signer; stranger: Signer }) => Promise<string>]>([
    ['a wrong issuer', ({ rsa }) => sign(rsa, { iss: 'https://evil.example.com/' })],
    ['no issuer', ({ rsa }) => sign(rsa, { iss: undefined })],
    ['a wrong audience', ({ rsa }) => sign(rsa, { aud: 'https://elsewhere.example.com' })],
    ['no audience', ({ rsa }) => sign(rsa, { aud: undefined })],
    ['an expired token', ({ rsa }) => sign(rsa, { iat: now() - 7200, exp: now() - 3600 })],
    ['no expiry', ({ rsa }) => sign(rsa, { exp: undefined })],
    ['a token not valid yet', ({ rsa }) => sign(rsa, { nbf: now() + 3600 })],
    ['a key the JWKS does not have', ({ stranger }) => sign(stranger)],
    ['an unknown kid', ({ rsa }) => sign(rsa, {}, { kid: 'nope' })],
    ['a tampered payload', async ({ rsa }) => {
      const [h, , sig] = (await sign(rsa)).split('.');
      const payload = Buffer.from(JSON.stringify({ sub: 'admin', iss: ISSUER, aud: AUDIENCE, exp: now() + 300, scope: 'scim:write' })).toString('base64url');
      return `${h}.${payload}.${sig}`;
    }],
    ['alg none', async () => new UnsecuredJWT({ sub: 'x', scope: 'scim:write' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').encode()],
    ['HS256 with the public key as secret', async ({ rsa }) => {
      const secret = new TextEncoder().encode(JSON.stringify(rsa.publicJwk));
      return new SignJWT({ sub: 'x', iss: ISSUER, aud: AUDIENCE, exp: now() + 300 }).setProtectedHeader({ alg: 'HS256', kid: rsa.kid }).sign(secret);
    }],
    ['a signature from another algorithm than the allowed ones (PS256)', async () => {
      const ps = await signer('PS256', 'ps-1');
      return sign(ps);
    }],
    ['garbage in JWT shape', async () => 'aaa.bbb.ccc'],
  ])('%s -> 401 with error="invalid_token", nothing written', async (_what, make) => {
    const token = await make({ rsa, ec, stranger });
    const get = await bearer(app.client, token).get('/Users');
    expectScimError(get, 401);
    expect(get.headers.get('www-authenticate')).toBe('Bearer realm="scim", error="invalid_token"');
    const userName = unique('jwt-denied');
    expectScimError(await bearer(app.client, token).post('/Users', { schemas: [USER_URN], userName }), 401);
    const found = await bearer(app.client, 'static-token').get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    expect(found.body.totalResults).toBe(0);
  });

  it('makes a token without the write scope read-only (403 on writes, reads and searches allowed)', async () => {
    const token = await sign(rsa, { scope: 'scim:read' });
    const reader = bearer(app.client, token);
    expect((await reader.get('/Users')).status).toBe(200);
    expect((await reader.post('/Users/.search', { schemas: [SEARCH_URN], count: 1 })).status).toBe(200);
    const res = await reader.post('/Users', { schemas: [USER_URN], userName: unique('jwt-ro') });
    expectScimError(res, 403);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="scim", error="insufficient_scope"');
    // a scope that merely contains the write scope's text does not grant it
    expectScimError(await bearer(app.client, await sign(rsa, { scope: 'scim:write-not' })).post('/Users', { schemas: [USER_URN], userName: unique('x') }), 403);
  });

  it('grants writes from `scp` (string or list) or `roles`', async () => {
    for (const claims of [{ scp: 'openid scim:write' }, { scp: ['scim:write'] }, { roles: ['Reader', 'scim:write'] }]) {
      const res = await bearer(app.client, await sign(ec, claims)).post('/Users', { schemas: [USER_URN], userName: unique('jwt-scp') });
      expect(res.status, JSON.stringify(claims)).toBe(201);
    }
  });

  it('maps the userIdClaim to /Me; without the claim /Me is 501', async () => {
    const me = bearer(app.client, await sign(rsa, { uid: userId, scope: 'scim:write' }));
    const res = await me.get('/Me');
    expect(res.status, res.text).toBe(200);
    expect(res.body.id).toBe(userId);
    const patched = await me.patch('/Me', { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'displayName', value: 'Me via JWT' }] });
    expect(patched.status, patched.text).toBe(200);
    expectScimError(await bearer(app.client, await sign(rsa, { scope: 'scim:write' })).get('/Me'), 501);
    expectScimError(await bearer(app.client, await sign(rsa, { uid: 42 })).get('/Me'), 501); // not a string: no User
  });

  it('does not let tokens with made-up key ids hammer the JWKS endpoint', async () => {
    const before = jwks.hits();
    for (let i = 0; i < 20; i++) expectScimError(await bearer(app.client, await sign(rsa, {}, { kid: `made-up-${i}` })).get('/Users'), 401);
    expect(jwks.hits() - before).toBeLessThanOrEqual(1);
  });

  it('lists oauthbearertoken once in /ServiceProviderConfig', async () => {
    const res = await bearer(app.client, 'static-token').get('/ServiceProviderConfig');
    expect(res.body.authenticationSchemes.map((s: { type: string }) => s.type)).toEqual(['oauthbearertoken']);
  });
});

describe('JWT bearer tokens with a JWKS file', () => {
  let ec: Signer;
  let dir: string;
  let app: TestApp;

  beforeAll(async () => {
    ec = await signer('ES256', 'file-ec');
    dir = mkdtempSync(join(tmpdir(), 'scim-jwks-'));
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [ec.publicJwk] }));
    app = await startApp({ auth: { jwt: { jwks: file, issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'] } } });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a valid token; every token writes when no writeScope is set', async () => {
    const client = bearer(app.client, await sign(ec));
    expect((await client.get('/Users')).status).toBe(200);
    expect((await client.post('/Users', { schemas: [USER_URN], userName: unique('jwt-file') })).status).toBe(201);
  });

  it('rejects an algorithm outside the allow-list even with a key in the JWKS', async () => {
    const rsa = await signer('RS256', 'file-rsa');
    const other = await startApp({ auth: { jwt: { jwks: `${dir}/jwks.json`, issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'] } } });
    try {
      expectScimError(await bearer(other.client, await sign(ec)).get('/Users'), 401); // ES256 not allowed there
      expectScimError(await bearer(other.client, await sign(rsa)).get('/Users'), 401); // allowed, but not in the JWKS
    } finally {
      await other.close();
    }
  });

  it('answers 401 to a wrong issuer and an expired token', async () => {
    expectScimError(await bearer(app.client, await sign(ec, { iss: 'https://other/' })).get('/Users'), 401);
    expectScimError(await bearer(app.client, await sign(ec, { exp: now() - 120 })).get('/Users'), 401);
  });
});

describe('JWT configuration and availability', () => {
  it('refuses a plain-http JWKS URL that is not loopback, and a missing JWKS file, at start-up', async () => {
    const jwt = { issuer: ISSUER, audience: AUDIENCE };
    await expect(ScimServer.create({ auth: { jwt: { ...jwt, jwks: 'http://idp.example.com/jwks' } } })).rejects.toThrow(/https/);
    await expect(ScimServer.create({ auth: { jwt: { ...jwt, jwks: '/no/such/jwks.json' } } })).rejects.toThrow();
  });

  it('answers 503 with Retry-After, not 401, when the JWKS cannot be fetched', async () => {
    const ec = await signer('ES256', 'down');
    const down = await jwksServer([]);
    await down.close(); // the port is now closed
    const app = await startApp({ auth: { jwt: { jwks: down.url, issuer: ISSUER, audience: AUDIENCE } } });
    try {
      const res = await bearer(app.client, await sign(ec)).get('/Users');
      expectScimError(res, 503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      // a token that is not a JWT at all is still simply a 401
      expectScimError(await bearer(app.client, 'not-a-jwt').get('/Users'), 401);
    } finally {
      await app.close();
    }
  });
});
