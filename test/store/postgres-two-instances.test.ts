// Two server processes on one PostgreSQL database, as behind a load balancer: what one writes the
// other reads at once, uniqueness holds across them, concurrent conditional PATCHes sent
// through both lose no update (the pattern of test/http/etag.test.ts, across processes), and with
// a shared SCIM_CURSOR_SECRET a paging cursor from one continues on the other.
// Needs SCIM_TEST_PG_URL; skipped without it locally, failing without it in CI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase, SKIP_PG } from './helpers/backends.ts';
import { GROUP_URN, PATCH_URN, startServer, USER_URN, type ServerProcess } from './helpers/server-process.ts';

const SHARED_SECRET = 'one secret for every instance behind the balancer';

describe.skipIf(SKIP_PG)('two instances on one PostgreSQL database', () => {
  let db: Awaited<ReturnType<typeof createPgDatabase>>;
  let a: ServerProcess;
  let b: ServerProcess;
  /** A third instance on the same database, with a cursor secret of its own. */
  let c: ServerProcess;
  beforeAll(async () => {
    db = await createPgDatabase();
    // All start at once: the schema is created once, under the migration lock.
    [a, b, c] = await Promise.all([
      startServer(db.url, { SCIM_CURSOR_SECRET: SHARED_SECRET }),
      startServer(db.url, { SCIM_CURSOR_SECRET: SHARED_SECRET }),
      startServer(db.url, { SCIM_CURSOR_SECRET: `another ${SHARED_SECRET}` }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), c?.stop()]);
    await db?.drop();
  });

  it('what one instance writes, the other reads at once', async () => {
    const created = await a.request('POST', '/Users', { schemas: [USER_URN], userName: 'shared', title: 'one' });
    expect(created.status).toBe(201);
    const read = await b.request('GET', `/Users/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: created.body.id, userName: 'shared', meta: { version: created.body.meta.version } });
    const found = await b.request('GET', `/Users?filter=${encodeURIComponent('userName eq "SHARED"')}`);
    expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([created.body.id]);

    const patched = await b.request('PATCH', `/Users/${created.body.id}`, {
      schemas: [PATCH_URN],
      Operations: [{ op: 'replace', path: 'title', value: 'two' }],
    });
    expect(patched.status).toBe(200);
    expect((await a.request('GET', `/Users/${created.body.id}`)).body.title).toBe('two');
    expect((await a.request('DELETE', `/Users/${created.body.id}`)).status).toBe(204);
    expect((await b.request('GET', `/Users/${created.body.id}`)).status).toBe(404);
  });

  it('one userName, created through both at once: one 201, one 409 uniqueness', async () => {
    const [x, y] = await Promise.all([
      a.request('POST', '/Users', { schemas: [USER_URN], userName: 'twice' }),
      b.request('POST', '/Users', { schemas: [USER_URN], userName: 'TWICE' }),
    ]);
    expect([x.status, y.status].sort()).toEqual([201, 409]);
    expect((x.status === 409 ? x : y).body.scimType).toBe('uniqueness');
  });

  it('concurrent If-Match PATCHes through both instances: successes equal the counter, the rest 412', async () => {
    const user = await a.request('POST', '/Users', { schemas: [USER_URN], userName: 'counter', nickName: '0' });
    const increment = async (via: ServerProcess) => {
      const read = await via.request('GET', `/Users/${user.body.id}`);
      const next = Number(read.body.nickName) + 1;
      const res = await via.request(
        'PATCH',
        `/Users/${user.body.id}`,
        { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'nickName', value: String(next) }] },
        { 'If-Match': read.body.meta.version },
      );
      return res.status;
    };
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => increment(i % 2 ? a : b)));
    const ok = statuses.filter((s) => s === 200).length;
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 412)).toBe(true);
    expect(Number((await b.request('GET', `/Users/${user.body.id}`)).body.nickName)).toBe(ok);

    // Retrying on 412 until each succeeds: the counter reaches exactly the number of clients.
    const start = ok;
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        for (;;) {
          const status = await increment(i % 2 ? a : b);
          if (status === 200) return;
          expect(status).toBe(412);
        }
      }),
    );
    expect(Number((await a.request('GET', `/Users/${user.body.id}`)).body.nickName)).toBe(start + 20);
  });

  it('members added through both instances at once are all kept, and no add fails (no If-Match: never a 412)', async () => {
    const group = await a.request('POST', '/Groups', { schemas: [GROUP_URN], displayName: 'busy' });
    // 60 unconditional PATCHes of one group at once: each instance queues its own, and the two
    // instances race; with retries alone a third of them used to run out and answer 412.
    const users = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).request('POST', '/Users', { schemas: [USER_URN], userName: `member-${i}` })),
    );
    const adds = await Promise.all(
      users.map((u, i) =>
        (i % 2 ? b : a).request('PATCH', `/Groups/${group.body.id}`, {
          schemas: [PATCH_URN],
          Operations: [{ op: 'add', path: 'members', value: [{ value: u.body.id }] }],
        }),
      ),
    );
    expect(adds.map((r) => r.status).filter((s) => s !== 200 && s !== 204)).toEqual([]);
    const members = (await b.request('GET', `/Groups/${group.body.id}`)).body.members.map((m: { value: string }) => m.value);
    expect(members.sort()).toEqual(users.map((u) => u.body.id).sort());
  });

  it('a cursor from one instance continues on another with the same secret, and not on one with another secret', async () => {
    const names = ['page-c', 'page-a', 'page-e', 'page-b', 'page-d'];
    for (const [i, userName] of names.entries()) {
      expect((await (i % 2 ? a : b).request('POST', '/Users', { schemas: [USER_URN], userName, title: 'paged' })).status).toBe(201);
    }
    const query = `filter=${encodeURIComponent('title eq "paged"')}&sortBy=userName&count=2`;
    const page = (via: ServerProcess, cursor: string) => via.request('GET', `/Users?${query}&cursor=${encodeURIComponent(cursor)}`);

    const first = await page(a, '');
    expect(first.status).toBe(200);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    // Every page through the other instance than the one that issued its cursor.
    const second = await page(b, first.body.nextCursor);
    expect(second.status).toBe(200);
    const third = await page(a, second.body.nextCursor);
    expect(third.status).toBe(200);
    expect(third.body.nextCursor).toBeUndefined();
    const seen = [first, second, third].flatMap((r) => r.body.Resources.map((u: { userName: string }) => u.userName));
    expect(seen).toEqual([...names].sort());
    expect(third.body.totalResults).toBe(5);

    // The same cursor on an instance with another secret: refused, not misread.
    const foreign = await page(c, first.body.nextCursor);
    expect(foreign.status).toBe(400);
    expect(foreign.body.scimType).toBe('invalidCursor');
    // c's own cursors still work on c.
    const own = await page(c, (await page(c, '')).body.nextCursor);
    expect(own.status).toBe(200);
    expect(own.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['page-c', 'page-d']);
  });
});
