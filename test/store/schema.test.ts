// Opening a database: schema creation is idempotent and safe when several openers race, data
// survives a reopen, and changing which attributes are indexed never hides a resource from a filter
// (SQLite rebuilds its index keys; PostgreSQL adds the expression index).
import { join } from 'node:path';
import pg from 'pg';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFilter } from '../../src/filter/index.ts';
import type { SchemaRegistry } from '../../src/schema/registry.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { createPgDatabase, SKIP_PG, tempDir, testRegistry } from './helpers/backends.ts';

const page = { kind: 'index', offset: 0, limit: 100 } as const;
const titled = async (store: Store) =>
  (await store.query('User', { filter: parseFilter('title eq "LEAD"'), page })).resources.map((r) => r.data.userName);

let registry: SchemaRegistry;
beforeAll(async () => {
  registry = await testRegistry();
});

describe('SQLite schema', () => {
  const dir = tempDir('scim-schema-');
  const path = join(dir.path, 'scim.db');
  afterAll(() => dir.remove());

  it('two stores on one file at once, then reopened: one schema, all data, uniqueness across them', async () => {
    const a = new SqliteStore(registry, { path });
    const b = new SqliteStore(registry, { path });
    await a.create('User', { userName: 'one', title: 'lead' });
    await b.create('User', { userName: 'two', title: 'Lead' });
    expect((await b.create('User', { userName: 'ONE' }).catch((e) => e)).status).toBe(409);
    expect(await a.count('User')).toBe(2);
    await Promise.all([a.close(), b.close()]);
    const c = new SqliteStore(registry, { path });
    expect(await titled(c)).toEqual(['one', 'two']);
    await c.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT version FROM scim_schema_version').all()).toEqual([{ version: 1 }]);
    raw.close();
  });

  it('indexing another attribute rebuilds the keys: no resource goes missing from a filter', async () => {
    const indexed = new SqliteStore(registry, { path, indexes: { User: ['title', 'emails.value'] } });
    expect(await titled(indexed)).toEqual(['one', 'two']);
    await indexed.create('User', { userName: 'three', title: 'LEAD' });
    await indexed.close();
    const back = new SqliteStore(registry, { path });
    expect(await titled(back)).toEqual(['one', 'two', 'three']);
    await back.close();
  });
});

describe.skipIf(SKIP_PG)('PostgreSQL schema', () => {
  let db: Awaited<ReturnType<typeof createPgDatabase>>;
  beforeAll(async () => {
    db = await createPgDatabase();
  });
  afterAll(() => db?.drop());

  it('several instances opening an empty database at once: one schema, and all of them work', async () => {
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open(registry, { connectionString: db.url, poolSize: 2 })));
    await stores[0].create('User', { userName: 'one', title: 'lead' });
    await stores[3].create('User', { userName: 'two', title: 'Lead' });
    for (const s of stores) expect(await titled(s)).toEqual(['one', 'two']);
    await Promise.all(stores.map((s) => s.close()));
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    expect((await client.query('SELECT version FROM scim_schema_version')).rows).toEqual([{ version: 1 }]);
    await client.end();
  });

  it('indexing another attribute adds its index; filters keep every resource', async () => {
    const indexed = await PostgresStore.open(registry, { connectionString: db.url, indexes: { User: ['title'] } });
    expect(await titled(indexed)).toEqual(['one', 'two']);
    await indexed.close();
  });

  it('a store handed out before its database exists reports it, and works once it does', async () => {
    const later = await createPgDatabase();
    const admin = new pg.Client({ connectionString: later.url });
    await admin.connect();
    const url = new URL(later.url);
    url.pathname = `${url.pathname}_later`;
    const store = new PostgresStore(registry, { connectionString: url.toString() });
    await expect(store.ping()).rejects.toThrow(/does not exist/);
    await admin.query(`CREATE DATABASE ${url.pathname.slice(1)}`);
    await store.ping(); // connects and creates the schema now
    await store.create('User', { userName: 'late' });
    await store.close();
    await admin.query(`DROP DATABASE ${url.pathname.slice(1)} WITH (FORCE)`);
    await admin.end();
    await later.drop();
  });
});
