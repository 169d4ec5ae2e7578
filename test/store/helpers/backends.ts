// The stores the contract suite runs against, each opened fresh (an empty store) on demand:
// memory, SQLite (a temporary file) and PostgreSQL (a new database on SCIM_TEST_PG_URL, dropped
// afterwards). Without SCIM_TEST_PG_URL the PostgreSQL runs are skipped locally but fail in CI.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadContract } from '../../../src/contract/load.ts';
import { SchemaRegistry } from '../../../src/schema/registry.ts';
import { MemoryStore } from '../../../src/store/memory/memory-store.ts';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.ts';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../../src/store/store.ts';

export interface OpenStore {
  readonly store: Store;
  dispose(): Promise<void>;
}

export interface Backend {
  readonly name: 'memory' | 'sqlite' | 'postgres';
  /** Skipped here (never in CI). */
  readonly skip: boolean;
  open(registry: SchemaRegistry): Promise<OpenStore>;
}

export const PG_URL = process.env.SCIM_TEST_PG_URL;
/** PostgreSQL tests run whenever a URL is given, and must run in CI. */
export const SKIP_PG = !PG_URL && !process.env.CI;

let registry: Promise<SchemaRegistry> | undefined;
export function testRegistry(): Promise<SchemaRegistry> {
  registry ??= loadContract().then((c) => SchemaRegistry.fromContract(c.dereferenced));
  return registry;
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A new, empty database on the test server; its URL and a function that drops it. */
export async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!PG_URL) throw new Error('SCIM_TEST_PG_URL is not set: PostgreSQL tests cannot run (CI must provide it, see .ci/run)');
  const name = `scim_test_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export const BACKENDS: readonly Backend[] = [
  {
    name: 'memory',
    skip: false,
    open: async (reg) => ({ store: new MemoryStore(reg), dispose: async () => {} }),
  },
  {
    name: 'sqlite',
    skip: false,
    open: async (reg) => {
      const dir = tempDir('scim-sqlite-');
      const store = new SqliteStore(reg, { path: join(dir.path, 'scim.db') });
      return { store, dispose: async () => (await store.close(), dir.remove()) };
    },
  },
  {
    name: 'postgres',
    skip: SKIP_PG,
    open: async (reg) => {
      const db = await createPgDatabase();
      const store = await PostgresStore.open(reg, { connectionString: db.url });
      return { store, dispose: async () => (await store.close(), await db.drop()) };
    },
  },
];
