// Store selection by one setting (`--store`): `memory` (the default), `sqlite:<file>` (one durable
// file, e.g. `sqlite:./data/scim.db`) or a PostgreSQL URL (`postgres://user@host:5432/db`, shared
// by any number of instances). See README "Storage".
//
// The SQLite and PostgreSQL drivers (better-sqlite3, pg) are optional peer dependencies, loaded only
// when their store is chosen: the in-memory default then installs without compiling a native addon.
import type { SchemaRegistry } from '../schema/registry.ts';
import { MemoryStore } from './memory/memory-store.ts';
import type { Store } from './store.ts';

export type StoreFactory = (registry: SchemaRegistry) => Store | Promise<Store>;

const USAGE = 'use "memory", "sqlite:<file>" or "postgres://user@host:5432/database"';

/** A factory for the store a spec names; throws an Error naming the spec when it names none. */
export function storeFromSpec(spec: string): StoreFactory {
  if (spec === '' || spec === 'memory') return (registry) => new MemoryStore(registry);
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (path === '') throw new Error(`Store "${spec}" names no file: ${USAGE}`);
    return async (registry) => {
      const { SqliteStore } = await withDriver('better-sqlite3@12', () => import('./sqlite/sqlite-store.ts'));
      return new SqliteStore(registry, { path });
    };
  }
  if (/^postgres(ql)?:\/\//i.test(spec)) {
    // The URL may hold a password: it is checked here, but never repeated in a message.
    if (!URL.canParse(spec)) throw new Error(`The PostgreSQL store URL is not a valid URL: ${USAGE}`);
    // Connects and creates the schema before the server starts: a wrong URL or an unreachable
    // database stops the start-up with its reason, instead of failing requests later.
    return async (registry) => {
      const { PostgresStore } = await withDriver('pg@8', () => import('./postgres/postgres-store.ts'));
      return PostgresStore.open(registry, { connectionString: spec });
    };
  }
  throw new Error(`Unknown store "${spec}": ${USAGE}`);
}

/** Loads a store module; a missing driver package becomes an instruction to install it. */
async function withDriver<T>(driver: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const name = driver.slice(0, driver.lastIndexOf('@'));
    const e = err as NodeJS.ErrnoException;
    if ((e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && e.message.includes(`'${name}'`)) {
      throw new Error(`This store needs the ${name} package, an optional dependency: npm install ${driver}`, { cause: err });
    }
    throw err;
  }
}
