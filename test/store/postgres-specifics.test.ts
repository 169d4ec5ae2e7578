// What only the PostgreSQL store has to get right. scim_instant, the SQL twin of parseInstant
// (src/filter/instant.ts) used for dateTime filters and sorting, must agree with it on every text:
// valid and invalid dates, time zones, fractions, leap days and seconds, 24:00, years 0-99 and
// beyond 9999. Values JSONB cannot hold are client errors, and JSONB's key order is not shown.
// Serialising a page of users does not cost a round trip per user (User.groups is batched).
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScimError } from '../../src/errors.ts';
import { parseInstant } from '../../src/filter/index.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { startApp, USER_URN, GROUP_URN, type TestApp } from '../helpers/scim-app.ts';
import { createPgDatabase, SKIP_PG, testRegistry } from './helpers/backends.ts';

const FIXED = [
  '2011-05-13T04:42:34Z', '2011-05-13T04:42:34.1Z', '2011-05-13T04:42:34.123456789Z', '2011-05-13t04:42:34z',
  '2011-05-13T04:42:34+02:00', '2011-05-13T04:42:34-11:30', '2011-05-13T04:42:34', '2011-05-13', '2024-02-29', '2023-02-29',
  '1900-02-29', '2000-02-29', '0000-02-29', '0004-02-29', '0099-12-31T24:00:00Z', '0050-06-15T12:00:00+14:00', '2011-05-13T24:00:00Z',
  '2011-05-13T24:00:01Z', '2016-12-31T23:59:60Z', '2011-05-13T23:60:00Z', '2011-13-01', '2011-00-10', '2011-01-00', '2011-01-32',
  '275760-09-13T00:00:00Z', '275760-09-13T00:00:00.001Z', '-2011-05-13', '2011-5-13', '20110513', '2011-05-13T04:42Z', '',
  '2011-05-13 04:42:34Z', '2011-05-13T04:42:34+0200', '9999-12-31T23:59:59.999Z', '10000-01-01', '123456789-01-01', '٢٠١١-05-13',
  '2011-05-13T04:42:34.Z', 'x'.repeat(70), '2011-05-13T04:42:34.' + '9'.repeat(60),
];

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const generated = fc.sample(
  fc
    .record({
      y: fc.oneof(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 1890, max: 2110 }), fc.integer({ min: 0, max: 300000 })),
      mo: fc.integer({ min: 0, max: 13 }),
      d: fc.integer({ min: 0, max: 32 }),
      time: fc.option(
        fc.record({
          h: fc.integer({ min: 0, max: 25 }),
          mi: fc.integer({ min: 0, max: 60 }),
          s: fc.integer({ min: 0, max: 61 }),
          frac: fc.option(fc.stringMatching(/^[0-9]{1,7}$/)),
          zone: fc.option(fc.constantFrom('Z', 'z', '+00:00', '-05:00', '+14:00', '+05:45', '-12:00')),
        }),
      ),
    })
    .map(({ y, mo, d, time }) => {
      const date = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}`;
      if (!time) return date;
      return `${date}T${pad(time.h, 2)}:${pad(time.mi, 2)}:${pad(time.s, 2)}${time.frac ? `.${time.frac}` : ''}${time.zone ?? ''}`;
    }),
  { numRuns: 3000, seed: 7 },
);

describe.skipIf(SKIP_PG)('PostgreSQL specifics', () => {
  let db: Awaited<ReturnType<typeof createPgDatabase>>;
  let client: pg.Client;
  let store: PostgresStore;
  beforeAll(async () => {
    db = await createPgDatabase();
    store = await PostgresStore.open(await testRegistry(), { connectionString: db.url }); // creates scim_instant
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await store?.close();
    await db?.drop();
  });

  it('NUL characters and vanished members are 400 invalidValue, not 500', async () => {
    const nul = (await store.create('User', { userName: 'a\u0000b' }).catch((e: unknown) => e)) as ScimError;
    expect([nul.status, nul.scimType]).toEqual([400, 'invalidValue']);
    const gone = (await store.create('Group', { displayName: 'g' }, [{ value: 'no-such-id', type: 'User' }]).catch((e: unknown) => e)) as ScimError;
    expect([gone.status, gone.scimType]).toEqual([400, 'invalidValue']);
    expect(await store.count('Group')).toBe(0);
  });

  it('attributes come back in schema order, not JSONB order', async () => {
    const data = { userName: 'ordered', name: { givenName: 'A', familyName: 'B' }, title: 't', emails: [{ value: 'v', type: 'work' }] };
    const created = await store.create('User', data);
    const read = (await store.get('User', created.id))!;
    expect(Object.keys(read.data)).toEqual(['userName', 'name', 'title', 'emails']);
    expect(Object.keys(read.data.name as object)).toEqual(['familyName', 'givenName']); // declaration order
  });

  it.each([
    ['scim_instant: fixed cases', FIXED],
    ['scim_instant: generated dates and times', generated],
  ])('%s', async (_, texts) => {
    const { rows } = await client.query<{ t: string; ms: number | null }>('SELECT t, scim_instant(t) AS ms FROM unnest($1::text[]) AS t', [texts]);
    const got = rows.map((r) => [r.t, r.ms]);
    expect(got).toEqual(texts.map((t) => [t, parseInstant(t) ?? null]));
  });
});

describe.skipIf(SKIP_PG)('PostgreSQL: a page of users with their groups', () => {
  let db: Awaited<ReturnType<typeof createPgDatabase>>;
  let app: TestApp;
  beforeAll(async () => {
    db = await createPgDatabase();
    app = await startApp({ store: (registry) => PostgresStore.open(registry, { connectionString: db.url }) });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('reads the groups of every user on the page in a few queries, not several per user', async () => {
    const users = [];
    for (let i = 0; i < 30; i++) users.push((await app.client.post('/Users', { schemas: [USER_URN], userName: `paged-${i}` })).body);
    const team = (await app.client.post('/Groups', { schemas: [GROUP_URN], displayName: 'team', members: users.map((u) => ({ value: u.id })) })).body;
    const dept = (await app.client.post('/Groups', { schemas: [GROUP_URN], displayName: 'dept', members: [{ value: team.id }] })).body;

    const db = (app.server.store as unknown as { db: { run: (...args: unknown[]) => unknown } }).db;
    const run = db.run.bind(db);
    let queries = 0;
    db.run = (...args: unknown[]) => (queries++, run(...args));
    const page = await app.client.get('/Users?count=30');
    db.run = run;

    expect(page.status).toBe(200);
    for (const user of page.body.Resources) {
      expect(user.groups.map((g: { display: string; type: string }) => [g.display, g.type])).toEqual([['team', 'direct'], ['dept', 'indirect']]);
    }
    // The page, then per step of the groups walk one query for all 30 users (their groups, the
    // groups' names, the groups' groups...), where one per user and step would be 150.
    expect(queries).toBeLessThanOrEqual(8);
  });
});
