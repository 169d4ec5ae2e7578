// Store selection by one setting (`--store`): `memory` (the default), `sqlite:<file>` (one durable
// file, e.g. `sqlite:./data/scim.db`) or a PostgreSQL URL (`postgres://user@host:5432/db`, shared
// by any number of instances). See README "Storage".
import type { SchemaRegistry } from '../schema/registry.ts';
import { MemoryStore } from './memory/memory-store.ts';
import { PostgresStore } from './postgres/postgres-store.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

export type StoreFactory = (registry: SchemaRegistry) => Store | Promise<Store>;

const USAGE = 'use "memory", "sqlite:<file>" or "postgres://user@host:5432/database"';

/** A factory for the store a spec names; throws an Error naming the spec when it names none. */
export function storeFromSpec(spec: string): StoreFactory {
  if (spec === '' || spec === 'memory') return (registry) => new MemoryStore(registry);
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (path === '') throw new Error(`Store "${spec}" names no file: ${USAGE}`);
    return (registry) => new SqliteStore(registry, { path });
  }
  if (/^postgres(ql)?:\/\//i.test(spec)) {
    // The URL may hold a password: it is checked here, but never repeated in a message.
    if (!URL.canParse(spec)) throw new Error(`The PostgreSQL store URL is not a valid URL: ${USAGE}`);
    // Connects and creates the schema before the server starts: a wrong URL or an unreachable
    // database stops the start-up with its reason, instead of failing requests later.
    return (registry) => PostgresStore.open(registry, { connectionString: spec });
  }
  throw new Error(`Unknown store "${spec}": ${USAGE}`);
}
