// The whole server over HTTP on the durable stores: the seeded directory of the query tests, then
// list requests (filters, sorting, both paging kinds, .search) answered exactly as the server on the
// memory store answers them, and the write paths (PATCH, If-Match, uniqueness, delete cascade).
// The full HTTP suite can run on these stores too: see test/store/http-suite/vitest.config.ts.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { filterPath, q, seedDirectory, type Directory } from '../helpers/query-fixtures.ts';
import { ENTERPRISE_URN, expectScimError, startApp, USER_URN, type TestApp } from '../helpers/scim-app.ts';
import { createPgDatabase, SKIP_PG, tempDir } from './helpers/backends.ts';

const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

type Setup = () => Promise<{ app: TestApp; cleanup: () => Promise<void> }>;

const BACKENDS: { name: string; skip: boolean; setup: Setup }[] = [
  {
    name: 'sqlite',
    skip: false,
    setup: async () => {
      const dir = tempDir('scim-http-');
      const app = await startApp({ store: (registry) => new SqliteStore(registry, { path: join(dir.path, 'scim.db') }) });
      return { app, cleanup: async () => dir.remove() };
    },
  },
  {
    name: 'postgres',
    skip: SKIP_PG,
    setup: async () => {
      const db = await createPgDatabase();
      const app = await startApp({ store: (registry) => new PostgresStore(registry, { connectionString: db.url }) });
      return { app, cleanup: () => db.drop() };
    },
  },
];

/** List requests, written against a directory (its ids and instants). */
const LISTS: ((d: Directory) => string)[] = [
  () => filterPath('/Users', 'emails[type eq "work" and value co "EXAMPLE"]', 'sortBy=name.familyName'),
  () => filterPath('/Users', 'groups.display eq "all staff"', 'sortBy=userName&sortOrder=descending'),
  (d) => filterPath('/Users', `groups.value eq "${d.groups.allStaff.id}" and not (title pr)`),
  (d) => filterPath('/Groups', `members.value eq "${d.users.alice.id}" or members[type eq "Group"]`, 'sortBy=displayName'),
  (d) => filterPath('/Users', `meta.created gt "${d.users.carol.meta.created}" and active eq "True"`),
  () => filterPath('/Users', `${ENTERPRISE_URN}:employeeNumber ge "0005"`, `sortBy=${q(`${ENTERPRISE_URN}:employeeNumber`)}`),
  () => filterPath('/Users', 'title ne "engineer" and emails pr', 'startIndex=2&count=3'),
  () => '/Users?sortBy=title&sortOrder=descending&startIndex=3&count=5',
  () => '/Users?sortBy=emails&count=100',
  () => '/Users?sortBy=groups.display',
];

describe.each(BACKENDS)('the server over HTTP on $name', ({ skip, setup }) => {
  let app: TestApp;
  let reference: TestApp;
  let dir: Directory;
  let ref: Directory;
  let cleanup = async () => {};
  beforeAll(async () => {
    if (skip) return;
    ({ app, cleanup } = await setup());
    reference = await startApp();
    [dir, ref] = await Promise.all([seedDirectory(app.client), seedDirectory(reference.client)]);
  });
  afterAll(async () => {
    await Promise.all([app?.close(), reference?.close()]);
    await cleanup();
  });

  /** A list response with ids as handles, to compare servers whose ids differ. */
  const list = async (t: TestApp, d: Directory, path: string) => {
    const res = await t.client.get(path);
    expect(res.status, res.text).toBe(200);
    const { totalResults, startIndex, itemsPerPage } = res.body;
    return { totalResults, startIndex, itemsPerPage, handles: res.body.Resources.map((r: { id: string }) => d.handleOf(r.id)) };
  };

  it.skipIf(skip).each(LISTS.map((make, i) => [i, make] as const))('list %i answers as on the memory store', async (_, make) => {
    expect(await list(app, dir, make(dir))).toEqual(await list(reference, ref, make(ref)));
  });

  it.skipIf(skip)('cursor paging and .search answer as on the memory store', async () => {
    const walk = async (t: TestApp, d: Directory) => {
      const seen: string[] = [];
      let cursor = '';
      for (let i = 0; i < 20; i++) {
        const res = await t.client.get(`/Users?sortBy=title&filter=${q('active eq true')}&count=3&cursor=${q(cursor)}`);
        seen.push(...res.body.Resources.map((r: { id: string }) => d.handleOf(r.id)));
        if (!res.body.nextCursor) break;
        cursor = res.body.nextCursor;
      }
      return seen;
    };
    expect(await walk(app, dir)).toEqual(await walk(reference, ref));
    const search = async (t: TestApp, d: Directory) => {
      const res = await t.client.post('/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'displayName co "a"', sortBy: 'displayName' });
      return res.body.Resources.map((r: { id: string }) => d.handleOf(r.id));
    };
    expect(await search(app, dir)).toEqual(await search(reference, ref));
  });

  it.skipIf(skip)('writes: PATCH with filters, If-Match, uniqueness, delete removes memberships', async () => {
    const { client } = app;
    const group = dir.groups.engineering;
    const removed = await client.patch(`/Groups/${group.id}`, {
      schemas: [PATCH_URN],
      Operations: [
        { op: 'remove', path: `members[value eq "${dir.users.alice.id}"]` },
        { op: 'add', path: 'members', value: [{ value: dir.users.bob.id }] },
        { op: 'replace', path: 'displayName', value: 'Engineering (new)' },
      ],
    });
    expect([200, 204], removed.text).toContain(removed.status);
    const patched = await client.get(`/Groups/${group.id}`);
    expect(patched.body.members.map((m: { value: string }) => dir.handleOf(m.value))).toEqual(['carol', 'ivan', 'bob']);
    const bob = await client.get(`/Users/${dir.users.bob.id}`);
    expect(bob.body.groups.map((g: { display: string; type: string }) => `${g.display}/${g.type}`)).toEqual(
      expect.arrayContaining(['Engineering (new)/direct', 'All Staff/indirect']),
    );

    const first = { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'nickName', value: 'b' }] };
    expect([200, 204]).toContain((await client.patch(`/Users/${dir.users.bob.id}`, first)).status);
    const stale = await client.patch(
      `/Users/${dir.users.bob.id}`,
      { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'title', value: 'x' }] },
      { headers: { 'If-Match': dir.users.bob.meta.version } },
    );
    expectScimError(stale, 412);
    const taken = await client.post('/Users', { schemas: [USER_URN], userName: dir.users.alice.userName.toUpperCase() });
    expectScimError(taken, 409, 'uniqueness');

    expect((await client.delete(`/Users/${dir.users.carol.id}`)).status).toBe(204);
    const after = await client.get(`/Groups/${group.id}`);
    expect(after.body.members.map((m: { value: string }) => dir.handleOf(m.value))).toEqual(['ivan', 'bob']);
    const found = await client.get(filterPath('/Groups', `members.value eq "${dir.users.carol.id}"`));
    expect(found.body.totalResults).toBe(0);
  });
});
