// The backends `--store` names, each provisioned fresh for one server process and removed after it:
// memory (nothing to do), sqlite (a new file in a temporary directory), postgres (a new database in
// a throwaway cluster, pg-cluster.ts) or a postgres:// URL (a new database created in the server it
// names, dropped afterwards; the URL's own database is never written).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPgCluster } from './pg-cluster.ts';
import { atExit } from './procs.ts';

export type StoreKind = 'memory' | 'sqlite' | 'postgres';

/** One backend to run: its kind, and for PostgreSQL the server to use (absent: a throwaway cluster). */
export interface StoreChoice {
  readonly kind: StoreKind;
  readonly url?: string;
}

export interface ProvisionedStore {
  readonly kind: StoreKind;
  /** The server's `--store` value. */
  readonly spec: string;
  /** What it is, for the report (never a password). */
  readonly description: string;
  /** Removes what was created; call after the server using it has stopped. */
  dispose(): Promise<void>;
}

export async function provisionStore(choice: StoreChoice): Promise<ProvisionedStore> {
  switch (choice.kind) {
    case 'memory':
      return { kind: 'memory', spec: 'memory', description: 'in-memory (the default)', dispose: async () => {} };
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'scim-bench-sqlite-'));
      const remove = () => rmSync(dir, { recursive: true, force: true });
      const unregister = atExit(remove);
      return {
        kind: 'sqlite',
        spec: `sqlite:${join(dir, 'scim.db')}`,
        description: `a new SQLite file in ${dir} (WAL, synchronous=FULL: each commit fsynced), removed afterwards`,
        dispose: async () => (remove(), unregister()),
      };
    }
    case 'postgres':
      return choice.url ? await pgDatabaseIn(choice.url, 'the PostgreSQL server you named') : await pgDatabaseInCluster();
  }
}

async function pgDatabaseInCluster(): Promise<ProvisionedStore> {
  const cluster = await startPgCluster();
  try {
    // The cluster's own cleanup removes the database with it.
    const db = await pgDatabaseIn(cluster.url, `${cluster.version}, a throwaway cluster in ${cluster.dir}`, false);
    return { ...db, dispose: async () => (await db.dispose().catch(() => {}), cluster.stop()) };
  } catch (err) {
    cluster.stop();
    throw err;
  }
}

/** A fresh database in the server `url` names, with its settings that bear on write cost. */
async function pgDatabaseIn(url: string, where: string, dropAtExit = true): Promise<ProvisionedStore> {
  const name = `scim_bench_${randomBytes(6).toString('hex')}`;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  const settings = await admin(async (c) => {
    // template0 with C.UTF-8, as the README asks, whatever the server's default locale is; a server
    // without that locale gets its own default.
    await c.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`).catch(async () => {
      await c.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
    });
    const { rows } = await c.query<{ name: string; setting: string; unit: string | null }>(
      `SELECT name, setting, unit FROM pg_settings WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers') ORDER BY name`,
    );
    return rows.map((r) => `${r.name}=${r.setting}${r.unit && r.unit !== 'ms' ? ` × ${r.unit}` : ''}`).join(', ');
  });
  // WITH (FORCE) (PostgreSQL 13+) also ends a connection the server under test left behind.
  const drop = () =>
    admin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => c.query(`DROP DATABASE IF EXISTS ${name}`));
    });
  // On a sudden exit there is no time to connect: say what was left behind instead.
  const unregister = dropAtExit
    ? atExit(() => console.error(`[bench] the database ${name} was left on the PostgreSQL server: drop it by hand`), drop)
    : () => {};
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return {
    kind: 'postgres',
    spec: dbUrl.toString(),
    description: `database ${name} on ${where}, dropped afterwards; ${settings}`,
    dispose: async () => (await drop(), unregister()),
  };
}
