// The HTTP protocol around SCIM (RFC 7644 §3.1, §3.12, §8; RFC 6750), through the real app: media
// types, malformed bodies, routing errors, authentication, URLs, the served contract and docs.
import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from '../../src/contract/load.ts';
import {
  ERROR_URN,
  expectScimError,
  GROUP_URN,
  SCIM_PATH,
  startApp,
  USER_URN,
  type ScimResponse,
  type ScimTestClient,
  type TestApp,
} from '../helpers/scim-app.ts';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

const CONTRACT_PATHS = [
  '/Users',
  '/Users/{id}',
  '/Users/.search',
  '/Groups',
  '/Groups/{id}',
  '/Groups/.search',
  '/.search',
  '/Me',
  '/Bulk',
  '/ServiceProviderConfig',
  '/ResourceTypes',
  '/ResourceTypes/{id}',
  '/Schemas',
  '/Schemas/{id}',
];

async function userCount(client: ScimTestClient): Promise<number> {
  const res = await client.get('/Users?count=0');
  expect(res.status).toBe(200);
  return res.body.totalResults;
}

/** An error body has exactly the RFC 7644 §3.12 members, and nothing that looks like internals. */
function expectCleanError(res: ScimResponse): void {
  expect(Object.keys(res.body).every((k) => ['schemas', 'status', 'scimType', 'detail'].includes(k)), res.text).toBe(true);
  expect(res.body.schemas).toEqual([ERROR_URN]);
  expect(res.text).not.toMatch(/\n\s+at /);
  expect(res.text).not.toMatch(/node_modules|\/src\/|\.ts:\d+|\.js:\d+/);
}

describe('Protocol', () => {
  let app: TestApp;
  let client: ScimTestClient;
  beforeAll(async () => {
    app = await startApp();
    client = app.client;
  });
  afterAll(() => app.close());

  describe('request media types', () => {
    it.each([
      'application/scim+json',
      'application/json',
      'application/json; charset=utf-8',
      'application/scim+json; charset=utf-8',
      'Application/SCIM+JSON; charset=UTF-8',
    ])('accepts POST /Users in %s', async (contentType) => {
      const userName = unique('media');
      const res = await client.post('/Users', { schemas: [USER_URN], userName }, { headers: { 'content-type': contentType } });
      expect(res.status, res.text).toBe(201);
      expect(res.body.userName).toBe(userName);
      expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    });

    it("accepts Okta's headers (scim+json with charset, Accept, User-Agent)", async () => {
      const okta = client.withHeaders({
        'content-type': 'application/scim+json; charset=utf-8',
        accept: 'application/scim+json',
        'user-agent': 'Okta SCIM Client',
      });
      const res = await okta.post('/Users', { schemas: [USER_URN], userName: unique('okta'), active: true });
      expect(res.status, res.text).toBe(201);
    });

    it('rejects text/plain with 415 and a SCIM error, creating nothing', async () => {
      const before = await userCount(client);
      const res = await client.post('/Users', JSON.stringify({ schemas: [USER_URN], userName: unique('plain') }), {
        headers: { 'content-type': 'text/plain' },
      });
      expectScimError(res, 415);
      expectCleanError(res);
      expect(await userCount(client)).toBe(before);
    });

    it('rejects an unsupported charset with 415', async () => {
      const res = await client.post('/Users', JSON.stringify({ schemas: [USER_URN], userName: unique('latin') }), {
        headers: { 'content-type': 'application/json; charset=iso-8859-1' },
      });
      expectScimError(res, 415);
    });

    it('answers every kind of SCIM response with Content-Type application/scim+json', async () => {
      const created = await client.post('/Users', { schemas: [USER_URN], userName: unique('ct') });
      const responses = [
        created,
        await client.get(`/Users/${created.body.id}`),
        await client.get('/Users'),
        await client.get('/Groups'),
        await client.get('/ServiceProviderConfig'),
        await client.get('/ResourceTypes'),
        await client.get('/Schemas'),
        await client.get(`/Users/${randomUUID()}`), // 404
        await client.get('/NoSuchThing'), // unknown route
        await client.delete('/Users'), // 405
        await client.post('/Users', '{not json'), // 400
        await client.post('/Users', 'x', { headers: { 'content-type': 'text/plain' } }), // 415
      ];
      for (const res of responses) {
        expect(res.headers.get('content-type'), `${res.status} ${res.text.slice(0, 100)}`).toMatch(/^application\/scim\+json\b/);
      }
    });
  });

  describe('malformed bodies', () => {
    it('malformed JSON -> 400 invalidSyntax, nothing created', async () => {
      const before = await userCount(client);
      const res = await client.post('/Users', `{"schemas":["${USER_URN}"],"userName":"${unique('bad')}",`);
      expectScimError(res, 400, 'invalidSyntax');
      expectCleanError(res);
      expect(await userCount(client)).toBe(before);
    });

    it.each(['[]', '"x"', '3', 'null', 'true', '[{"userName":"arr"}]'])('a non-object body %s -> 400, nothing created', async (text) => {
      const before = await userCount(client);
      const res = await client.post('/Users', text);
      expectScimError(res, 400);
      expectCleanError(res);
      expect(await userCount(client)).toBe(before);
    });

    it('a non-object body to POST /Groups and PUT -> 400', async () => {
      expectScimError(await client.post('/Groups', '[]'), 400);
      const user = await client.post('/Users', { schemas: [USER_URN], userName: unique('put') });
      expectScimError(await client.put(`/Users/${user.body.id}`, '"x"'), 400);
      const still = await client.get(`/Users/${user.body.id}`);
      expect(still.body.userName).toBe(user.body.userName);
    });

    it('POST with an empty body -> 400 invalidSyntax, with or without a JSON Content-Type, nothing created', async () => {
      const before = await userCount(client);
      const withType = await client.post('/Users', ''); // Content-Type: application/scim+json, Content-Length: 0
      expectScimError(withType, 400, 'invalidSyntax');
      expectCleanError(withType);
      const withoutType = await client.request('POST', '/Users');
      expectScimError(withoutType, 400, 'invalidSyntax');
      expectScimError(await client.post('/Groups', ''), 400, 'invalidSyntax');
      expect(await userCount(client)).toBe(before);
    });

    it('POST /Users/.search with an empty body -> 400 (the contract requires a SearchRequest)', async () => {
      expectScimError(await client.post('/Users/.search', ''), 400, 'invalidSyntax');
      expectScimError(await client.post('/Groups/.search', '', { headers: { 'content-type': 'application/json' } }), 400, 'invalidSyntax');
      // an empty SearchRequest object is fine
      const ok = await client.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] });
      expect(ok.status, ok.text).toBe(200);
    });
  });

  describe('routing errors', () => {
    it('unknown route under the SCIM base -> 404 SCIM error', async () => {
      for (const path of ['/NoSuchThing', '/Users/a/b/c', '/Groupz']) {
        const res = await client.get(path);
        expectScimError(res, 404);
        expectCleanError(res);
      }
    });

    it('unknown route outside the SCIM base -> 404 SCIM error', async () => {
      const res = await client.get(`${app.origin}/no/such/page`);
      expectScimError(res, 404);
    });

    it('wrong method -> 405 SCIM error', async () => {
      for (const [method, path] of [
        ['DELETE', '/Users'],
        ['PUT', '/Groups'],
        ['DELETE', '/ServiceProviderConfig'],
        ['POST', '/Users/some-id'],
      ] as const) {
        const res = await client.request(method, path);
        expectScimError(res, 405);
        expectCleanError(res);
      }
    });

    it('a 405 names the allowed methods in an Allow header', async () => {
      const res = await client.delete('/Users');
      expect(res.status).toBe(405);
      const allow = (res.headers.get('allow') ?? '').split(',').map((m) => m.trim().toUpperCase());
      expect(allow).toEqual(expect.arrayContaining(['GET', 'POST']));
      expect(allow).not.toContain('DELETE');
    });

    it('HEAD on a GET endpoint answers like GET, without a body', async () => {
      const res = await client.request('HEAD', '/ServiceProviderConfig', { raw: true });
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    });
  });

  describe('query parameters', () => {
    it('an undeclared query parameter is either ignored or named in the 400 (never blamed on the body)', async () => {
      const res = await client.get('/Users?cacheBuster=1');
      if (res.status === 200) return;
      expectScimError(res, 400);
      expect(res.body.detail).not.toMatch(/request body/i);
      expect(res.body.detail).toContain('cacheBuster');
    });
  });

  describe('response hygiene', () => {
    it('never sends X-Powered-By', async () => {
      const responses = [
        await client.get('/Users'),
        await client.get(`/Users/${randomUUID()}`),
        await client.get('/NoSuchThing'),
        await client.post('/Users', '{'),
        await client.get(`${app.origin}/`, { raw: true }),
        await client.get(`${app.origin}/openapi.json`, { raw: true }),
      ];
      for (const res of responses) expect(res.headers.get('x-powered-by'), String(res.status)).toBeNull();
    });

    it('error bodies carry no stack trace or internal detail', async () => {
      const errors = [
        await client.get(`/Users/${randomUUID()}`),
        await client.post('/Users', '{"userName":'),
        await client.post('/Users', { schemas: [USER_URN], userName: 42 }),
        await client.post('/Users', { schemas: [USER_URN] }),
        await client.post('/Users', 'x', { headers: { 'content-type': 'text/plain' } }),
        await client.get('/Users?startIndex=notanumber'),
        await client.request('PATCH', '/Users'),
      ];
      for (const res of errors) {
        expect(res.status, res.text).toBeGreaterThanOrEqual(400);
        expect(res.body.status).toBe(String(res.status));
        expectCleanError(res);
      }
    });
  });

  describe('the app around the SCIM base', () => {
    it('GET / links to the SCIM base and the docs', async () => {
      const res = await client.get(`${app.origin}/`, { raw: true });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/json/);
      expect(res.body.scim).toBe(SCIM_PATH);
      expect(res.body.docs).toBe('/docs');
      // the links work
      const base = await client.get(`${app.origin}${res.body.scim}/ServiceProviderConfig`);
      expect(base.status).toBe(200);
      const docs = await fetch(`${app.origin}${res.body.docs}`); // redirects to /docs/
      expect(docs.status).toBe(200);
    });

    it('GET /openapi.json is the contract, with every path, operationId and summary', async () => {
      const res = await client.get(`${app.origin}/openapi.json`, { raw: true });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const doc = res.body;
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.servers).toEqual([expect.objectContaining({ url: SCIM_PATH })]);
      expect(Object.keys(doc.paths).sort()).toEqual(expect.arrayContaining([...CONTRACT_PATHS].sort()));
      // the same operations as the contract the server routes by
      const contract = (await loadContract()).bundled as any;
      expect(Object.keys(doc.paths).sort()).toEqual(Object.keys(contract.paths).sort());
      expect(doc.info).toEqual(contract.info);
      expect(doc.components).toEqual(contract.components);
      const ids = new Set<string>();
      for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
        const ops = Object.entries(item).filter(([m]) => HTTP_METHODS.includes(m));
        expect(ops.length, path).toBeGreaterThan(0);
        for (const [method, op] of ops) {
          expect(typeof op.operationId, `${method} ${path} operationId`).toBe('string');
          expect(op.summary, `${method} ${path} summary`).toMatch(/\S/);
          expect(ids.has(op.operationId), `duplicate operationId ${op.operationId}`).toBe(false);
          ids.add(op.operationId);
          expect(op).toEqual(contract.paths[path][method]);
        }
      }
    });

    it('GET /openapi.yaml parses to the same document', async () => {
      const json = await (await fetch(`${app.origin}/openapi.json`)).json();
      const res = await fetch(`${app.origin}/openapi.yaml`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/yaml/);
      const doc = parseYaml(await res.text());
      expect(doc).toEqual(json);
    });

    it('GET /docs/ serves Swagger UI', async () => {
      const res = await fetch(`${app.origin}/docs/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toMatch(/swagger/i);
    });
  });

  describe('URLs', () => {
    it("meta.location and Location use the request's host when no baseUrl is configured", async () => {
      const res = await client.post('/Users', { schemas: [USER_URN], userName: unique('loc') });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`${client.base}/Users/${res.body.id}`);
      expect(res.body.meta.location).toBe(res.headers.get('location'));
      const got = await client.get(res.headers.get('location')!);
      expect(got.status).toBe(200);
      expect(got.body.id).toBe(res.body.id);
    });
  });

  describe('hostile input', () => {
    it('__proto__ and constructor keys in a body pollute nothing', async () => {
      const userName = unique('proto');
      const text = `{"userName":${JSON.stringify(userName)},"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"name":{"__proto__":{"polluted":true},"givenName":"P"}}`;
      const res = await client.post('/Users', text);
      expect(res.status, res.text).toBe(201);
      expect(({} as any).polluted).toBeUndefined();
      expect((Object.prototype as any).polluted).toBeUndefined();
      expect(res.body).not.toHaveProperty('polluted');
      expect(Object.keys(res.body)).not.toContain('constructor');
      expect(res.body.name).toEqual({ givenName: 'P' });
      const got = await client.get(`/Users/${res.body.id}`);
      expect(got.body.userName).toBe(userName);
      expect(({} as any).polluted).toBeUndefined();

      const group = await client.post('/Groups', `{"displayName":"g","__proto__":{"polluted":true},"members":[{"value":${JSON.stringify(res.body.id)},"__proto__":{"polluted":true}}]}`);
      expect(group.status, group.text).toBe(201);
      expect(group.body.members).toHaveLength(1);
      expect(({} as any).polluted).toBeUndefined();
    });
  });
});

describe('Protocol with bearer tokens', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ tokens: ['t', 'second-token'] });
  });
  afterAll(() => app.close());

  it('no Authorization -> 401 with WWW-Authenticate: Bearer and a SCIM error body', async () => {
    for (const path of ['/Users', '/Groups', '/ServiceProviderConfig', '/Schemas']) {
      const res = await app.client.get(path);
      expectScimError(res, 401);
      expectCleanError(res);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    }
  });

  it('a wrong token or another scheme -> 401, and nothing is created', async () => {
    for (const authorization of ['Bearer wrong', 'Bearer t2', 'Bearer ', 'Basic dDp0', 't']) {
      const res = await app.client.withHeaders({ authorization }).get('/Users');
      expectScimError(res, 401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    }
    const post = await app.client
      .withHeaders({ authorization: 'Bearer wrong' })
      .post('/Users', { schemas: [USER_URN], userName: unique('unauth') });
    expectScimError(post, 401);
    const list = await app.client.withHeaders({ authorization: 'Bearer t' }).get('/Users?count=0');
    expect(list.body.totalResults).toBe(0);
  });

  it('a right token -> 200 (any configured token; scheme name case-insensitive)', async () => {
    for (const authorization of ['Bearer t', 'Bearer second-token', 'bearer t']) {
      const res = await app.client.withHeaders({ authorization }).get('/Users');
      expect(res.status, authorization).toBe(200);
    }
    const created = await app.client
      .withHeaders({ authorization: 'Bearer t' })
      .post('/Users', { schemas: [USER_URN], userName: unique('auth') });
    expect(created.status).toBe(201);
  });
});

describe('Protocol without tokens', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('lets requests through without Authorization', async () => {
    expect((await app.client.get('/Users')).status).toBe(200);
    expect((await app.client.post('/Users', { schemas: [USER_URN], userName: unique('open') })).status).toBe(201);
  });
});

describe('Protocol with a configured baseUrl', () => {
  const BASE = 'https://scim.example.com/scim/v2';
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ baseUrl: BASE });
  });
  afterAll(() => app.close());

  it('uses it for Location, meta.location, member $ref and discovery locations', async () => {
    const user = await app.client.post('/Users', { schemas: [USER_URN], userName: unique('proxied') });
    expect(user.status).toBe(201);
    expect(user.headers.get('location')).toBe(`${BASE}/Users/${user.body.id}`);
    expect(user.body.meta.location).toBe(`${BASE}/Users/${user.body.id}`);

    const group = await app.client.post('/Groups', {
      schemas: [GROUP_URN],
      displayName: unique('proxied'),
      members: [{ value: user.body.id }],
    });
    expect(group.headers.get('location')).toBe(`${BASE}/Groups/${group.body.id}`);
    expect(group.body.members[0].$ref).toBe(`${BASE}/Users/${user.body.id}`);

    const got = await app.client.get(`/Users/${user.body.id}`);
    expect(got.body.meta.location).toBe(`${BASE}/Users/${user.body.id}`);
    expect(got.body.groups[0].$ref).toBe(`${BASE}/Groups/${group.body.id}`);

    const list = await app.client.get('/Users');
    for (const r of list.body.Resources) expect(r.meta.location.startsWith(`${BASE}/`)).toBe(true);

    expect((await app.client.get('/ServiceProviderConfig')).body.meta.location).toBe(`${BASE}/ServiceProviderConfig`);
    expect((await app.client.get('/ResourceTypes/User')).body.meta.location).toBe(`${BASE}/ResourceTypes/User`);
    expect((await app.client.get(`/Schemas/${USER_URN}`)).body.meta.location).toBe(`${BASE}/Schemas/${USER_URN}`);
  });

  it('tolerates a trailing slash in baseUrl', async () => {
    const other = await startApp({ baseUrl: `${BASE}/` });
    try {
      const user = await other.client.post('/Users', { schemas: [USER_URN], userName: unique('slash') });
      expect(user.headers.get('location')).toBe(`${BASE}/Users/${user.body.id}`);
    } finally {
      await other.close();
    }
  });
});
