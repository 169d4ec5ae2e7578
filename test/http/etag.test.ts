// Versions (RFC 7644 §3.14, RFC 9110 §13): ETag on every single-resource response, If-Match on
// writes as an atomic compare-and-set, If-None-Match on reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectScimError, startApp, USER_URN, type TestApp } from '../helpers/scim-app.ts';

const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

let n = 0;
async function createUser(extra: Record<string, unknown> = {}) {
  const res = await app.client.post('/Users', { schemas: [USER_URN], userName: `etag${++n}-${Date.now()}`, ...extra });
  expect(res.status).toBe(201);
  return res;
}
const replaceTitle = (title: string) => ({ schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'title', value: title }] });

describe('ETag header', () => {
  it('equals meta.version on POST, GET, PUT and PATCH, and changes with every change', async () => {
    const created = await createUser();
    const v1 = created.headers.get('etag');
    expect(v1).toBe(created.body.meta.version);
    expect(v1).toMatch(/^W\/".+"$/);
    const got = await app.client.get(`/Users/${created.body.id}`);
    expect(got.headers.get('etag')).toBe(v1);
    const put = await app.client.put(`/Users/${created.body.id}`, { schemas: [USER_URN], userName: created.body.userName, title: 'a' });
    expect(put.headers.get('etag')).toBe(put.body.meta.version);
    expect(put.body.meta.version).not.toBe(v1);
    const patched = await app.client.patch(`/Users/${created.body.id}`, replaceTitle('b'));
    expect(patched.headers.get('etag')).toBe(patched.body.meta.version);
    expect(new Set([v1, put.body.meta.version, patched.body.meta.version]).size).toBe(3);
  });
});

describe('If-None-Match on GET', () => {
  it('answers 304 without a body for the current version, in a list of tags, or *', async () => {
    const { body: user } = await createUser();
    const v = user.meta.version;
    for (const header of [v, `W/"old", ${v}`, '*']) {
      const res = await app.client.get(`/Users/${user.id}`, { headers: { 'If-None-Match': header } });
      expect(res.status, header).toBe(304);
      expect(res.text).toBe('');
    }
    const stale = await app.client.get(`/Users/${user.id}`, { headers: { 'If-None-Match': 'W/"old", W/"older"' } });
    expect(stale.status).toBe(200);
  });
});

describe('If-Match on writes', () => {
  it('412 on a stale version for PUT, PATCH and DELETE, changing nothing', async () => {
    const { body: user } = await createUser({ title: 'orig' });
    const stale = { headers: { 'If-Match': 'W/"stale"' } };
    expectScimError(await app.client.put(`/Users/${user.id}`, { schemas: [USER_URN], userName: user.userName, title: 'x' }, stale), 412);
    expectScimError(await app.client.patch(`/Users/${user.id}`, replaceTitle('x'), stale), 412);
    expectScimError(await app.client.delete(`/Users/${user.id}`, stale), 412);
    const after = await app.client.get(`/Users/${user.id}`);
    expect(after.body.title).toBe('orig');
    expect(after.body.meta.version).toBe(user.meta.version);
  });

  it('accepts the current version, one of several tags, *, and the strong form of a weak tag', async () => {
    const { body: user } = await createUser();
    let version = user.meta.version as string;
    const headers: ((v: string) => string)[] = [
      (v) => v,
      (v) => `W/"nope", ${v}`,
      () => '*',
      (v) => v.slice(2), // the same tag without W/: compared weakly (RFC 9110 §8.8.3.2)
    ];
    for (const [i, header] of headers.entries()) {
      const res = await app.client.patch(`/Users/${user.id}`, replaceTitle(`title-${i}`), { headers: { 'If-Match': header(version) } });
      expect(res.status, header(version)).toBe(200);
      version = res.body.meta.version;
    }
  });

  it('If-Match: * on a missing resource is 404, not a write', async () => {
    expectScimError(await app.client.patch('/Users/does-not-exist', replaceTitle('x'), { headers: { 'If-Match': '*' } }), 404);
  });

  it('deletes with the current version', async () => {
    const { body: user } = await createUser();
    const res = await app.client.delete(`/Users/${user.id}`, { headers: { 'If-Match': user.meta.version } });
    expect(res.status).toBe(204);
  });
});

describe('concurrent conditional PATCHes (no lost update)', () => {
  // Each client reads the resource, then sends a PATCH that increments a counter from the value it
  // read, conditional on the version it read. With an atomic compare-and-set exactly the requests
  // answered 2xx are reflected in the final value; every other one must get 412.
  async function incrementFromRead(id: string): Promise<number> {
    const read = await app.client.get(`/Users/${id}`);
    const next = Number(read.body.nickName) + 1;
    const res = await app.client.patch(
      `/Users/${id}`,
      { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'nickName', value: String(next) }] },
      { headers: { 'If-Match': read.body.meta.version } },
    );
    return res.status;
  }

  it('50 at once: successes equal the counter, the rest are 412', async () => {
    const { body: user } = await createUser({ nickName: '0' });
    const statuses = await Promise.all(Array.from({ length: 50 }, () => incrementFromRead(user.id)));
    const ok = statuses.filter((s) => s === 200).length;
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 412)).toBe(true);
    const final = await app.client.get(`/Users/${user.id}`);
    expect(Number(final.body.nickName)).toBe(ok);
  });

  it('50 clients retrying on 412 until they succeed: the counter reaches exactly 50', async () => {
    const { body: user } = await createUser({ nickName: '0' });
    let conflicts = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        for (;;) {
          const status = await incrementFromRead(user.id);
          if (status === 200) return;
          expect(status).toBe(412);
          conflicts += 1;
        }
      }),
    );
    const final = await app.client.get(`/Users/${user.id}`);
    expect(Number(final.body.nickName)).toBe(50);
    expect(conflicts).toBeGreaterThan(0); // the requests really did race
  });
});
