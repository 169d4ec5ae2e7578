// Store selection by one setting (`--store`): `memory` (the default), and the durable and shared
// backends as they are added (e.g. `sqlite:./data/scim.db`, `postgres://user@host/db`).
import type { SchemaRegistry } from '../schema/registry.ts';
import { MemoryStore } from './memory/memory-store.ts';
import type { Store } from './store.ts';

export type StoreFactory = (registry: SchemaRegistry) => Store | Promise<Store>;

/** A factory for the store a spec names; throws an Error naming the spec when it names none. */
export function storeFromSpec(spec: string): StoreFactory {
  if (spec === '' || spec === 'memory') return (registry) => new MemoryStore(registry);
  throw new Error(`Unknown store "${spec}": use "memory"`);
}
