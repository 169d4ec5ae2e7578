// Response hardening on the SCIM router: API security headers (helmet) and no X-Powered-By even
// when mounted in a bare Express app; CORS off by default and per configured origin; per-client
// rate limiting with 429 + Retry-After; and an opaque 500 for unexpected errors.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScimServer } from '../../src/server.ts';
import { MemoryStore } from '../../src/store/memory/memory-store.ts';
import { expectScimError, startApp, USER_URN, type ScimResponse, type TestApp } from '../helpers/scim-app.ts';
import { bearer, unique } from './helpers.ts';

function expectApiHeaders(res: { status: number; headers: Headers }): void {
  const where = String(res.status);
  expect(res.headers.get('x-content-type-options'), where).toBe('nosniff');
  expect(res.headers.get('x-frame-options'), where).toBe('DENY');
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp, where).toContain("default-src 'none'");
  expect(csp, where).toContain("frame-ancestors 'none'");
  expect(res.headers.get('x-powered-by'), where).toBeNull();
  expect(res.headers.get('cache-control'), where).toBe('no-store');
  expect(res.headers.get('cross-origin-resource-policy'), where).toBe('same-origin');
}

async function listen(app: express.Express): Promise<{ origin: string; close: () => Promise<void> }> {
  const http: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => {
      http.closeAllConnections();
      http.close(() => resolve());
    }),
  };
}

describe('security headers', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ tokens: ['tok'] });
  });
  afterAll(() => app.close());

  it('are on every kind of SCIM answer: 2xx, 4xx, 401, 413, 415', async () => {
    const authed = bearer(app.client, 'tok');
    const responses: ScimResponse[] = [
      await authed.get('/Users'),
      await authed.post('/Users', { schemas: [USER_URN], userName: unique('h') }),
      await authed.get('/Users/nope'),
      await authed.get('/NoSuchThing'),
      await authed.delete('/Users'),
      await app.client.get('/Users'),
      await authed.post('/Users', 'x', { headers: { 'content-type': 'text/plain' } }),
      await authed.post('/Users', { displayName: 'x'.repeat(2 * 1024 * 1024) }),
      await authed.post('/Users', '{'),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 201, 404, 404, 405, 401, 415, 413, 400]);
    for (const res of responses) expectApiHeaders(res);
  });

  it('leave the app\'s own pages (Swagger UI) alone', async () => {
    const res = await fetch(`${app.origin}/docs/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy') ?? '').not.toContain("default-src 'none'");
  });

  it('come with the router: an embedding app that keeps X-Powered-By on still does not send it for SCIM', async () => {
    const server = await ScimServer.create({ logError: () => {} });
    const bare = express(); // x-powered-by left on
    bare.use('/api/scim', server.router);
    bare.get('/other', (_req, res) => void res.send('ok'));
    const http = await listen(bare);
    try {
      const res = await fetch(`${http.origin}/api/scim/Users`);
      expect(res.status).toBe(200);
      expectApiHeaders(res);
      expect((await fetch(`${http.origin}/other`)).headers.get('x-powered-by')).toBe('Express'); // the app's own choice
    } finally {
      await http.close();
      await server.close();
    }
  });
});

describe('CORS', () => {
  const ADMIN_UI = 'https://admin.example.com';

  it('is off by default: no Access-Control headers, and a preflight is no special case', async () => {
    const app = await startApp();
    try {
      const res = await app.client.get('/Users', { headers: { origin: ADMIN_UI } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await app.client.request('OPTIONS', '/Users', { headers: { origin: ADMIN_UI, 'access-control-request-method': 'POST' } });
      expectScimError(preflight, 405);
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await app.close();
    }
  });

  describe('with origins configured', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp({ tokens: ['tok'], cors: { origins: [ADMIN_UI] } });
    });
    afterAll(() => app.close());

    it('allows a listed origin, exposing the headers SCIM clients read', async () => {
      const res = await bearer(app.client, 'tok').post('/Users', { schemas: [USER_URN], userName: unique('cors') }, { headers: { origin: ADMIN_UI } });
      expect(res.status).toBe(201);
      expect(res.headers.get('access-control-allow-origin')).toBe(ADMIN_UI);
      expect(res.headers.get('vary')).toMatch(/Origin/);
      const exposed = (res.headers.get('access-control-expose-headers') ?? '').toLowerCase();
      for (const h of ['etag', 'location', 'www-authenticate', 'retry-after']) expect(exposed).toContain(h);
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    });

    it('answers a preflight without credentials (browsers send none), with the allowed methods and headers', async () => {
      const res = await fetch(`${app.client.base}/Users/some-id`, {
        method: 'OPTIONS',
        headers: { origin: ADMIN_UI, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type,if-match' },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(ADMIN_UI);
      expect(res.headers.get('access-control-allow-methods')).toContain('PATCH');
      const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
      for (const h of ['authorization', 'content-type', 'if-match']) expect(allowed).toContain(h);
    });

    it('gives another origin no Access-Control-Allow-Origin, and still requires credentials', async () => {
      const res = await app.client.get('/Users', { headers: { origin: 'https://evil.example.com' } });
      expectScimError(res, 401);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const ok = await bearer(app.client, 'tok').get('/Users', { headers: { origin: 'https://evil.example.com' } });
      expect(ok.headers.get('access-control-allow-origin')).toBeNull();
    });
  });
});

describe('rate limiting', () => {
  it('is off by default', async () => {
    const app = await startApp();
    try {
      const statuses = await Promise.all(Array.from({ length: 50 }, () => app.client.get('/ServiceProviderConfig').then((r) => r.status)));
      expect(new Set(statuses)).toEqual(new Set([200]));
    } finally {
      await app.close();
    }
  });

  it('answers 429 with Retry-After and a SCIM error beyond `max` per window, counting failed credentials too', async () => {
    const app = await startApp({ tokens: ['tok'], rateLimit: { windowMs: 60_000, max: 5 } });
    try {
      const authed = bearer(app.client, 'tok');
      for (let i = 0; i < 3; i++) expect((await authed.get('/Users?count=0')).status).toBe(200);
      expectScimError(await bearer(app.client, 'guess-1').get('/Users'), 401);
      expectScimError(await bearer(app.client, 'guess-2').get('/Users'), 401);
      const limited = await authed.get('/Users');
      expectScimError(limited, 429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.headers.get('ratelimit')).toMatch(/remaining=0/); // draft-7 RateLimit header
      // even a right token, even discovery, and nothing is created while limited
      expectScimError(await authed.post('/Users', { schemas: [USER_URN], userName: unique('limited') }), 429);
      expectScimError(await authed.get('/ServiceProviderConfig'), 429);
    } finally {
      await app.close();
    }
  });

  it('keys clients by IP address (behind a proxy, with `trust proxy` set by the app)', async () => {
    const server = await ScimServer.create({ logError: () => {}, rateLimit: { windowMs: 60_000, max: 2 } });
    const proxied = express();
    proxied.set('trust proxy', 'loopback'); // the proxy is on loopback: X-Forwarded-For names the client
    proxied.use('/scim', server.router);
    const http = await listen(proxied);
    try {
      const from = (ip: string) => fetch(`${http.origin}/scim/Users?count=0`, { headers: { 'x-forwarded-for': ip } }).then((r) => r.status);
      expect([await from('203.0.113.1'), await from('203.0.113.1'), await from('203.0.113.1')]).toEqual([200, 200, 429]);
      expect([await from('203.0.113.2'), await from('203.0.113.2')]).toEqual([200, 200]);
    } finally {
      await http.close();
      await server.close();
    }
  });
});

describe('unexpected errors', () => {
  it('become an opaque 500: no message, stack trace or internal path; the error is logged', async () => {
    const logged: unknown[] = [];
    const app = await startApp({
      logError: (err) => logged.push(err),
      store: (registry) => {
        const store = new MemoryStore(registry);
        store.query = async () => {
          throw new Error('ECONNRESET at /srv/app/node_modules/pg/lib/client.js:123 password=hunter2');
        };
        store.get = async () => {
          throw new TypeError("Cannot read properties of undefined (reading 'rows')");
        };
        return store;
      },
    });
    try {
      for (const res of [await app.client.get('/Users?count=0'), await app.client.get('/Users/x')]) {
        expectScimError(res, 500);
        expect(res.body.detail).toBe('Internal server error');
        expect(res.text).not.toMatch(/ECONNRESET|node_modules|hunter2|\/srv\/|TypeError|rows|\.js:\d+/);
      }
      expect(logged).toHaveLength(2);
      expect(String(logged[0])).toContain('ECONNRESET');
    } finally {
      await app.close();
    }
  });
});
