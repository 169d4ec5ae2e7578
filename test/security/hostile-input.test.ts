// Hostile input: every request below is answered with a SCIM error (or, where the input is merely
// odd, a normal answer), changes nothing it should not, keeps the process alive, and takes bounded
// time. Object.prototype is checked after every request.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectScimError, GROUP_URN, startApp, USER_URN, type ScimResponse, type ScimTestClient, type TestApp } from '../helpers/scim-app.ts';
import { BULK_URN, expectNoPollution, PATCH_URN, rawRequest, SEARCH_URN, unique, userCount } from './helpers.ts';

function deepObject(depth: number, leaf = '"x"'): string {
  return '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
}
function deepArray(depth: number, leaf = '"x"'): string {
  return '['.repeat(depth) + leaf + ']'.repeat(depth);
}

/** 2xx or 4xx — never a 5xx, not even for one /Bulk operation — and 4xx is a SCIM error (the client checks the contract). */
function expectHandled(res: ScimResponse, where: string): void {
  expect(res.status, `${where}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.body.schemas, where).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect(res.body.detail, where).not.toMatch(/[\u0000-\u001f\u007f]/);
  }
  for (const op of res.body?.Operations ?? []) {
    if (typeof op?.status === 'string') expect(Number(op.status), `${where}: ${JSON.stringify(op).slice(0, 300)}`).toBeLessThan(500);
  }
}

describe('hostile input', () => {
  let app: TestApp;
  let client: ScimTestClient;
  let user: { id: string; userName: string; meta: { version: string } };
  let group: { id: string };

  beforeAll(async () => {
    app = await startApp({ bodyLimit: '64kb', bulkMaxPayloadSize: 256 * 1024 });
    client = app.client;
    user = (await client.post('/Users', { schemas: [USER_URN], userName: unique('target'), name: { givenName: 'T' } })).body;
    group = (await client.post('/Groups', { schemas: [GROUP_URN], displayName: unique('target'), members: [{ value: user.id }] })).body;
  });
  afterAll(() => app.close());
  beforeEach(async () => {
    user.meta.version = (await client.get(`/Users/${user.id}`)).body.meta.version; // what "untouched" compares with
  });
  afterEach(async () => {
    expectNoPollution();
    expect((await client.get('/ServiceProviderConfig')).status).toBe(200); // still alive
  });

  async function expectUntouched(): Promise<void> {
    const got = await client.get(`/Users/${user.id}`);
    expect(got.body.meta.version).toBe(user.meta.version);
    expect((await client.get(`/Groups/${group.id}`)).body.members).toHaveLength(1);
  }

  describe('body size', () => {
    it('answers 413 at once to a Content-Length over the limit, without waiting for the body', async () => {
      for (const [path, length] of [['/Users', 1024 ** 3], ['/Users', 65 * 1024], ['/Bulk', 257 * 1024], ['/Users/.search', 10 ** 12]] as const) {
        const head = `POST /scim/v2${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/scim+json\r\nContent-Length: ${length}\r\n\r\n`;
        const res = await rawRequest(app.origin, head, '{"schemas":');
        expect(res.status, path).toBe(413);
        expect(res.ms, path).toBeLessThan(3000);
        expect(res.head, path).toMatch(/^connection: close/im);
        expect(JSON.parse(res.text)).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '413' });
      }
    });

    it('answers 413 to a chunked body that grows over the limit', async () => {
      const head = `POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nContent-Type: application/scim+json\r\nTransfer-Encoding: chunked\r\n\r\n`;
      const chunk = 'x'.repeat(16 * 1024);
      const body = `${Array.from({ length: 6 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('')}0\r\n\r\n`;
      const res = await rawRequest(app.origin, head, body);
      expect(res.status).toBe(413);
    });

    it('answers 413 to a real body over the limit; /Bulk has its own larger limit', async () => {
      const big = { schemas: [USER_URN], userName: unique('big'), displayName: 'x'.repeat(70 * 1024) };
      expectScimError(await client.post('/Users', big), 413);
      const bulk = await client.post('/Bulk', { schemas: [BULK_URN], Operations: [{ method: 'POST', path: '/Users', bulkId: 'b', data: { ...big, displayName: 'x'.repeat(100 * 1024) } }] });
      expect(bulk.status, bulk.text.slice(0, 200)).toBe(200); // within the bulk limit, over the plain one
      expectScimError(await client.post('/Bulk', { schemas: [BULK_URN], Operations: [{ method: 'POST', path: '/Users', data: { ...big, displayName: 'x'.repeat(300 * 1024) } }] }), 413);
    });
  });

  describe('malformed bodies', () => {
    // (A leading BOM is not here: RFC 8259 §8.1 lets a parser ignore it.)
    const MALFORMED = ['{', '{"a":1,}', '{"a":1}x', "{'a':1}", '{"a":NaN}', '{"a":1 /* c */}', '\u0000', '{"a":"\u0001"}', '{"a":"\\x"}', '{"a":1}{"b":2}'];
    it.each(['POST /Users', 'PUT /Users/{id}', 'PATCH /Users/{id}', 'POST /Users/.search', 'POST /Bulk'])('%s: malformed JSON -> 400 invalidSyntax', async (route) => {
      const [method, template] = route.split(' ');
      for (const text of MALFORMED) {
        const res = await client.request(method, template.replace('{id}', user.id), { body: text });
        expectScimError(res, 400, 'invalidSyntax');
      }
      await expectUntouched();
    });

    it.each(['[]', '"x"', '3', 'null', 'true', '[{}]'])('non-object %s -> 400 on PATCH, .search and /Bulk', async (text) => {
      for (const [method, path] of [['PATCH', `/Users/${user.id}`], ['POST', '/Users/.search'], ['POST', '/.search'], ['POST', '/Bulk'], ['PUT', `/Groups/${group.id}`]]) {
        expectScimError(await client.request(method, path, { body: text }), 400);
      }
      await expectUntouched();
    });

    it.each(['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx'])(
      '%s -> 415 on every kind of body',
      async (type) => {
        for (const [method, path] of [['PUT', `/Users/${user.id}`], ['PATCH', `/Users/${user.id}`], ['POST', '/Users/.search'], ['POST', '/Bulk'], ['POST', '/Groups']]) {
          expectScimError(await client.request(method, path, { body: '{}', headers: { 'content-type': type } }), 415);
        }
        await expectUntouched();
      },
    );

    it('rejects invalid UTF-8 with 400 invalidSyntax instead of storing replacement characters', async () => {
      const before = await userCount(client);
      for (const bytes of [[0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]]) {
        const body = Buffer.concat([Buffer.from(`{"schemas":["${USER_URN}"],"userName":"utf-`), Buffer.from(bytes), Buffer.from('"}')]);
        const res = await fetch(`${client.base}/Users`, { method: 'POST', headers: { 'content-type': 'application/scim+json' }, body });
        const json = await res.json();
        expect(res.status, JSON.stringify(bytes)).toBe(400);
        expect(json).toMatchObject({ scimType: 'invalidSyntax', status: '400' });
      }
      expect(await userCount(client)).toBe(before);
      // well-formed multi-byte text is fine
      const ok = await client.post('/Users', { schemas: [USER_URN], userName: unique('ütf-8-😀') });
      expect(ok.status).toBe(201);
    });

    it('rejects JSON in another charset than UTF-8 (RFC 8259 §8.1) with 415', async () => {
      const body = Buffer.from(JSON.stringify({ schemas: [USER_URN], userName: unique('utf16') }), 'utf16le');
      const res = await fetch(`${client.base}/Users`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-16le' }, body });
      expect(res.status).toBe(415);
    });
  });

  describe('prototype pollution', () => {
    const KEYS = ['__proto__', 'constructor', 'prototype'];
    const polluter = (key: string) => `{"${key}":{"polluted":true,"prototype":{"polluted":true}}}`;

    it('ignores the keys anywhere in a resource body (POST, PUT)', async () => {
      for (const key of KEYS) {
        const text = `{"schemas":["${USER_URN}"],"userName":"${unique(`p-${key}`)}","${key}":${polluter(key)},"name":{"${key}":{"polluted":true},"givenName":"P"},"emails":[{"value":"a@b.c","${key}":{"polluted":true}}],"${USER_URN}":{"${key}":{"polluted":true}},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"${key}":{"polluted":true},"manager":{"${key}":{"polluted":true}}}}`;
        const res = await client.post('/Users', text);
        expectHandled(res, key);
        if (res.status === 201) {
          expect(res.text).not.toContain('polluted');
          const put = await client.put(`/Users/${res.body.id}`, text.replace(/"userName":"[^"]+"/, `"userName":"${res.body.userName}"`));
          expectHandled(put, `PUT ${key}`);
          expect(put.text).not.toContain('polluted');
        }
        expectNoPollution();
      }
    });

    it('ignores them as query parameter names, repeated or not', async () => {
      for (const key of KEYS) {
        for (const query of [`${key}=a&count=1`, `${key}=a&${key}=b&count=1`, `count=1&${key}=x&filter=${encodeURIComponent('userName pr')}`]) {
          const res = await client.get(`/Users?${query}`);
          expect(res.status, query).toBe(200);
          expect(res.body.itemsPerPage, query).toBeLessThanOrEqual(1);
        }
      }
      expectNoPollution();
    });

    it('ignores or rejects them in PATCH paths and values', async () => {
      const target = (await client.post('/Users', { schemas: [USER_URN], userName: unique('patch-target') })).body;
      for (const key of KEYS) {
        const ops = [
          { op: 'add', path: key, value: { polluted: true } },
          { op: 'replace', path: `${key}.polluted`, value: true },
          { op: 'add', path: `name.${key}`, value: { polluted: true } },
          { op: 'add', path: `constructor.prototype.polluted`, value: true },
          { op: 'add', path: `emails[${key} eq "x"].value`, value: 'x@y.z' },
          { op: 'add', path: `emails[type eq "work"].${key}`, value: { polluted: true } },
          { op: 'add', path: `${USER_URN}:${key}`, value: { polluted: true } },
          { op: 'add', value: JSON.parse(`{"${key}":{"polluted":true},"nickName":"n","name":{"${key}":{"polluted":true}}}`) },
          { op: 'replace', value: JSON.parse(`{"name.${key}":{"polluted":true}}`) },
          { op: 'remove', path: key },
        ];
        for (const op of ops) {
          const res = await client.patch(`/Users/${target.id}`, { schemas: [PATCH_URN], Operations: [op] });
          expectHandled(res, JSON.stringify(op));
          if (res.status < 400) expect(res.text, JSON.stringify(op)).not.toContain('polluted'); // an error may quote the path
          expectNoPollution();
        }
        const text = `{"schemas":["${PATCH_URN}"],"Operations":[{"op":"add","value":${polluter(key)}}],"${key}":{"polluted":true}}`;
        expectHandled(await client.patch(`/Users/${target.id}`, text), `raw ${key}`);
        expectHandled(await client.patch(`/Groups/${group.id}`, { schemas: [PATCH_URN], Operations: [{ op: 'add', path: 'members', value: [{ value: key }, JSON.parse(polluter(key))] }] }), `members ${key}`);
      }
      expect((await client.get(`/Users/${target.id}`)).text).not.toContain('polluted');
    });

    it('answers filters, attributes and sortBy naming them as 400 or as nothing found', async () => {
      for (const key of KEYS) {
        for (const query of [`filter=${key} eq "x"`, `filter=${key}.polluted pr`, `filter=constructor.prototype.polluted eq true`, `filter=emails[${key} pr]`, `attributes=${key}`, `excludedAttributes=${key},${key}.polluted`, `sortBy=${key}`, `sortBy=${key}.polluted`]) {
          const res = await client.get(`/Users?${query.replace(/ /g, '%20').replace(/\[/g, '%5B').replace(/\]/g, '%5D')}`);
          expectHandled(res, query);
          if (res.status === 200) for (const r of res.body.Resources) expect(Object.keys(r)).not.toContain(key);
        }
        const search = await client.post('/.search', { schemas: [SEARCH_URN], filter: `${key} eq "x"`, attributes: [key], sortBy: key });
        expectHandled(search, 'search');
        expectHandled(await client.post('/Users/.search', JSON.parse(`{"schemas":["${SEARCH_URN}"],"${key}":{"polluted":true}}`)), 'search body');
      }
    });

    it('answers paths and ids naming them as 404', async () => {
      for (const key of KEYS) {
        for (const path of [`/Users/${key}`, `/Groups/${key}`, `/Schemas/${key}`, `/ResourceTypes/${key}`]) expectScimError(await client.get(path), 404);
        expectScimError(await client.delete(`/Users/${key}`), 404);
      }
    });

    it('keeps them out of /Bulk: data, paths and bulkIds', async () => {
      for (const key of KEYS) {
        const operations = [
          { method: 'POST', path: '/Users', bulkId: key, data: JSON.parse(`{"schemas":["${USER_URN}"],"userName":"${unique(`bulk-${key}`)}","${key}":{"polluted":true}}`) },
          { method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [GROUP_URN], displayName: unique('bulk-g'), members: [{ value: `bulkId:${key}` }] } },
          { method: 'PATCH', path: `/Users/bulkId:${key}`, data: { schemas: [PATCH_URN], Operations: [{ op: 'add', value: JSON.parse(polluter(key)) }] } },
          { method: 'PUT', path: `/Users/${key}`, data: { schemas: [USER_URN], userName: 'x' } },
          { method: 'DELETE', path: `/${key}/x` },
          { method: 'POST', path: `/${key}`, bulkId: 'c', data: JSON.parse(polluter(key)) },
        ];
        const res = await client.post('/Bulk', { schemas: [BULK_URN], Operations: operations });
        expectHandled(res, `bulk ${key}`);
        for (const op of res.body.Operations ?? []) if (Number(op.status) < 400) expect(JSON.stringify(op)).not.toContain('polluted');
        const raw = `{"schemas":["${BULK_URN}"],"${key}":{"polluted":true},"Operations":[{"method":"POST","path":"/Users","bulkId":"x","${key}":{"polluted":true},"data":${polluter(key)}}]}`;
        expectHandled(await client.post('/Bulk', raw), `raw bulk ${key}`);
      }
    });
  });

  describe('deep nesting (10,000 levels)', () => {
    const DEPTH = 10_000;
    it.each([
      ['an unknown attribute', (d: string) => `{"schemas":["${USER_URN}"],"userName":"${unique('deep')}","x":${d}}`],
      ['a complex attribute', (d: string) => `{"schemas":["${USER_URN}"],"userName":"${unique('deep')}","name":{"givenName":${d}}}`],
      ['a multi-valued attribute', (d: string) => `{"schemas":["${USER_URN}"],"userName":"${unique('deep')}","emails":${d}}`],
      ['an extension', (d: string) => `{"schemas":["${USER_URN}"],"userName":"${unique('deep')}","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":${d}}`],
      ['schemas', (d: string) => `{"schemas":${d},"userName":"${unique('deep')}"}`],
    ])('POST /Users with %s nested deeply -> handled quickly', async (_what, make) => {
      for (const d of [deepObject(DEPTH), deepArray(DEPTH)]) {
        const started = Date.now();
        expectHandled(await client.post('/Users', make(d)), _what);
        expect(Date.now() - started).toBeLessThan(5000);
      }
    });

    it('PATCH values, PATCH as a whole, .search and /Bulk data nested deeply -> handled', async () => {
      // A path-less add of unknown attributes or a replace of `name` by no known sub-attribute is a
      // legitimate change; these go to a User of their own.
      const own = (await client.post('/Users', { schemas: [USER_URN], userName: unique('deep-target') })).body;
      for (const d of [deepObject(DEPTH), deepArray(DEPTH)]) {
        for (const op of [`{"op":"add","value":${d}}`, `{"op":"add","path":"nickName","value":${d}}`, `{"op":"add","path":"emails","value":${d}}`, `{"op":"replace","path":"name","value":${d}}`]) {
          expectHandled(await client.patch(`/Users/${own.id}`, `{"schemas":["${PATCH_URN}"],"Operations":[${op}]}`), op.slice(0, 40));
        }
        expectHandled(await client.patch(`/Users/${own.id}`, `{"schemas":["${PATCH_URN}"],"Operations":${d}}`), 'ops');
        expectHandled(await client.patch(`/Groups/${group.id}`, `{"schemas":["${PATCH_URN}"],"Operations":[{"op":"add","path":"members","value":${d}}]}`), 'members');
        expectHandled(await client.post('/Users/.search', `{"schemas":["${SEARCH_URN}"],"attributes":${d},"filter":${d}}`), 'search');
        for (const data of [d, `{"schemas":["${USER_URN}"],"userName":"${unique('bulk-deep')}","x":${d}}`, `{"schemas":["${PATCH_URN}"],"Operations":[{"op":"add","value":${d}}]}`]) {
          const bulk = `{"schemas":["${BULK_URN}"],"Operations":[{"method":"POST","path":"/Users","bulkId":"d","data":${data}},{"method":"PATCH","path":"/Users/${own.id}","data":${data}}]}`;
          expectHandled(await client.post('/Bulk', bulk), `bulk ${data.slice(0, 30)}`);
        }
        expectHandled(await client.post('/Bulk', `{"schemas":["${BULK_URN}"],"Operations":${d}}`), 'bulk operations');
      }
      // 100,000 levels, as deep as the bulk limit allows: bulkId substitution used to overflow the stack (500).
      const deeper = deepArray(100_000);
      for (const data of [deeper, `{"schemas":["${USER_URN}"],"userName":"${unique('deeper')}","x":${deeper}}`, `{"schemas":["${PATCH_URN}"],"Operations":${deeper}}`]) {
        const bulk = `{"schemas":["${BULK_URN}"],"Operations":[{"method":"POST","path":"/Users","bulkId":"d","data":${data}},{"method":"PATCH","path":"/Users/${own.id}","data":${data}}]}`;
        expectHandled(await client.post('/Bulk', bulk), `bulk ${data.slice(0, 30)}`);
      }
      await expectUntouched();
    });
  });

  describe('big values', () => {
    let roomy: TestApp;
    beforeAll(async () => {
      roomy = await startApp({ bodyLimit: '16mb', bulkMaxPayloadSize: 16 * 1024 * 1024 });
    });
    afterAll(() => roomy.close());

    it('a User with 100,000 emails is handled in bounded time', async () => {
      const emails = Array.from({ length: 100_000 }, (_, i) => ({ value: `u${i}@example.com`, type: 'work' }));
      const started = Date.now();
      const res = await roomy.client.post('/Users', { schemas: [USER_URN], userName: unique('many'), emails });
      expectHandled(res, 'emails');
      expect(Date.now() - started).toBeLessThan(20_000);
      const list = await roomy.client.get('/Users?count=1&attributes=userName');
      expect(list.status).toBe(200);
    });

    it('100,000 PATCH operations or members are handled in bounded time', async () => {
      const u = (await roomy.client.post('/Users', { schemas: [USER_URN], userName: unique('ops') })).body;
      const g = (await roomy.client.post('/Groups', { schemas: [GROUP_URN], displayName: unique('huge') })).body;
      const started = Date.now();
      const operations = Array.from({ length: 100_000 }, (_, i) => ({ op: 'replace', path: 'nickName', value: `n${i}` }));
      expectHandled(await roomy.client.patch(`/Users/${u.id}`, { schemas: [PATCH_URN], Operations: operations }), 'ops');
      const members = Array.from({ length: 100_000 }, (_, i) => ({ value: `missing-${i}` }));
      expectHandled(await roomy.client.patch(`/Groups/${g.id}`, { schemas: [PATCH_URN], Operations: [{ op: 'add', path: 'members', value: members }] }), 'members');
      expectHandled(await roomy.client.post('/Users/.search', { schemas: [SEARCH_URN], attributes: Array.from({ length: 100_000 }, (_, i) => `a${i}`) }), 'attributes');
      expect(Date.now() - started).toBeLessThan(30_000);
    });

    it('a 1 MB string value is handled, and never echoed in an error', async () => {
      const big = 'é'.repeat(512 * 1024); // 1 MB of UTF-8
      const created = await roomy.client.post('/Users', { schemas: [USER_URN], userName: unique('long'), displayName: big });
      expectHandled(created, 'displayName');
      for (const res of [
        await roomy.client.post('/Users', { schemas: [USER_URN], userName: big }),
        await roomy.client.post('/Users', { schemas: [USER_URN], userName: unique('x'), active: big }),
        await roomy.client.post('/Users', { schemas: [big] }),
        await roomy.client.post('/Users/.search', { schemas: [SEARCH_URN], filter: big }),
        await roomy.client.post('/Users/.search', { schemas: [SEARCH_URN], sortBy: big, attributes: [big] }),
        await roomy.client.patch(`/Users/${user.id}`, { schemas: [PATCH_URN], Operations: [{ op: 'add', path: big, value: 1 }] }),
      ]) {
        expectHandled(res, 'big');
        if (res.status >= 400) expect(res.text.length).toBeLessThan(2000);
      }
    });
  });

  describe('filters', () => {
    let roomy: TestApp;
    beforeAll(async () => {
      roomy = await startApp({ bodyLimit: '4mb' });
    });
    afterAll(() => roomy.close());

    it('nested 10,000 deep or 1 MB long in POST .search -> 400 invalidFilter', async () => {
      for (const filter of [
        `${'('.repeat(10_000)}userName pr${')'.repeat(10_000)}`,
        `${'not ('.repeat(10_000)}userName pr${')'.repeat(10_000)}`,
        `emails[${'value pr and '.repeat(1000)}value pr]`,
        `${'userName pr or '.repeat(70_000)}userName pr`,
        `userName eq "${'x'.repeat(1024 * 1024)}"`,
      ]) {
        for (const path of ['/Users/.search', '/Groups/.search', '/.search']) {
          const started = Date.now();
          expectScimError(await roomy.client.post(path, { schemas: [SEARCH_URN], filter }), 400, 'invalidFilter');
          expect(Date.now() - started).toBeLessThan(5000);
        }
      }
    });

    it('deep or long in GET -> 400 invalidFilter while the URL fits; a URL over Node\'s header limit gets a SCIM 431', async () => {
      for (const filter of [`${'('.repeat(5000)}userName pr${')'.repeat(5000)}`, `${'not ('.repeat(2000)}userName pr${')'.repeat(2000)}`, 'x'.repeat(12_000)]) {
        const started = Date.now();
        expectScimError(await client.get(`/Users?filter=${encodeURIComponent(filter)}`), 400, 'invalidFilter');
        expect(Date.now() - started).toBeLessThan(5000);
      }
      // a long but legal chain (600 terms) is answered normally, in bounded time
      const started = Date.now();
      expectHandled(await client.get(`/Users?filter=${encodeURIComponent(`${'userName pr or '.repeat(600)}userName pr`)}`), 'chain');
      expect(Date.now() - started).toBeLessThan(5000);
      // 1 MB of query string: Node's HTTP parser rejects it before Express sees the request; the
      // answer is still a SCIM error (src/ops/client-errors.ts), and the server keeps serving.
      const res = await fetch(`${client.base}/Users?filter=${'x'.repeat(1024 * 1024)}`);
      expect(res.status).toBe(431);
      expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      expect(await res.json()).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '431', detail: expect.any(String) });
      expectHandled(await client.get('/Users?count=1'), 'after 431');
    });
  });

  describe('malformed URLs', () => {
    it('answers a path with broken percent-encoding 400 invalidSyntax (it was an opaque 500)', async () => {
      for (const path of [`/Users/%E0%A4%A`, '/Users/%', '/Groups/%C0%AF', '/Schemas/%ZZ', `/Users/${user.id}%`]) {
        expectScimError(await client.get(path), 400, 'invalidSyntax');
      }
      expectScimError(await client.delete(`/Users/%E0%A4%A`), 400, 'invalidSyntax');
      expectScimError(await client.delete('/Schemas/%ZZ'), 405); // no such operation: the path is not even looked at
      expectScimError(await client.patch('/Users/%FF', { schemas: [PATCH_URN], Operations: [{ op: 'remove', path: 'nickName' }] }), 400);
      await expectUntouched();
    });

    it('answers broken percent-encoding in query values like any other odd value', async () => {
      for (const query of ['filter=%E0%A4%A', 'filter=%', 'attributes=%ff', 'sortBy=%C0%AF', 'count=%', 'startIndex=%00']) {
        expectHandled(await client.get(`/Users?${query}`), query);
      }
    });
  });

  describe('control characters in attribute names', () => {
    const NAMES = ['user\u0000Name', 'userName\u0007', '\u001b[31muserName', 'user\nName', 'userName\r\n\r\nX-Injected: 1', 'name.\u0000givenName', '\u007f'];
    it('in bodies, PATCH paths, filters, attributes and sortBy: handled, never echoed raw', async () => {
      for (const name of NAMES) {
        expectHandled(await client.post('/Users', { schemas: [USER_URN], userName: unique('ctl'), [name]: 'x' }), `body ${JSON.stringify(name)}`);
        expectHandled(await client.patch(`/Users/${user.id}`, { schemas: [PATCH_URN], Operations: [{ op: 'add', path: name, value: 'x' }] }), `patch ${JSON.stringify(name)}`);
        expectHandled(await client.get(`/Users?filter=${encodeURIComponent(`${name} eq "x"`)}`), `filter ${JSON.stringify(name)}`);
        for (const param of ['attributes', 'excludedAttributes', 'sortBy']) {
          const res = await client.get(`/Users?${param}=${encodeURIComponent(name)}`);
          expectHandled(res, `${param} ${JSON.stringify(name)}`);
          expect(res.headers.get('x-injected')).toBeNull();
        }
        expectHandled(await client.post('/.search', { schemas: [SEARCH_URN], filter: `${name} pr`, attributes: [name], sortBy: name }), `search ${JSON.stringify(name)}`);
        expectHandled(await client.get(`/Users/${encodeURIComponent(name)}`), `id ${JSON.stringify(name)}`);
      }
      await expectUntouched();
    });
  });
});
