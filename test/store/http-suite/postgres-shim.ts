// Stands in for src/store/memory/memory-store.ts under ./vitest.config.ts: a PostgreSQL store on a
// schema of its own (created with psql, synchronously, because a constructor cannot wait).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { SchemaRegistry } from '../../../src/schema/registry.ts';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.ts';

export { DEFAULT_INDEXES } from './sqlite-shim.ts';

export class MemoryStore extends PostgresStore {
  constructor(registry: SchemaRegistry, options: { indexes?: Readonly<Record<string, readonly string[]>> } = {}) {
    const base = process.env.SCIM_TEST_PG_URL;
    if (!base) throw new Error('SCIM_TEST_PG_URL is not set');
    const schema = `http_${randomBytes(6).toString('hex')}`;
    execFileSync('psql', [base, '-qc', `CREATE SCHEMA ${schema}`]);
    const url = new URL(base);
    url.searchParams.set('options', `-c search_path=${schema}`);
    super(registry, { connectionString: url.toString(), indexes: options.indexes, poolSize: 4 });
  }
}
