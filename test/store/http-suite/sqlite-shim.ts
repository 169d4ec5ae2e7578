// Stands in for src/store/memory/memory-store.ts under ./vitest.config.ts: a SQLite store instead.
import type { SchemaRegistry } from '../../../src/schema/registry.ts';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';

// The memory store's own value (imports of that module resolve here, so it cannot be re-exported).
export const DEFAULT_INDEXES: Readonly<Record<string, readonly string[]>> = {
  User: ['externalId', 'emails.value'],
  Group: ['displayName', 'externalId'],
};

export class MemoryStore extends SqliteStore {
  constructor(registry: SchemaRegistry, options: { indexes?: Readonly<Record<string, readonly string[]>> } = {}) {
    super(registry, { path: ':memory:', indexes: options.indexes });
  }
}
