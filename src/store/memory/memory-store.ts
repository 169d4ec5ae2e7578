// The embedded default store: everything in process memory, lost on exit.
// Lookups by id and by unique attribute are O(1); membership changes are O(1) per member.
import { ScimError } from '../../errors.ts';
import type { SchemaRegistry } from '../../schema/registry.ts';
import { randomUUID } from 'node:crypto';
import type {
  Member,
  MembershipChange,
  QueryResult,
  ResourceData,
  Store,
  StoredResource,
  StoreQuery,
  WriteCondition,
} from '../store.ts';
import { nextVersion, versionMatches } from '../versions.ts';
import { Membership } from './membership.ts';
import { UniqueIndex } from './unique-index.ts';

class Table {
  /** Insertion-ordered: iteration is creation order, which is the default stable sort. */
  readonly rows = new Map<string, StoredResource>();
  constructor(readonly unique: readonly UniqueIndex[]) {}
}

export class MemoryStore implements Store {
  private readonly tables = new Map<string, Table>();
  private readonly typeById = new Map<string, string>();
  private readonly membership = new Membership();

  constructor(registry: SchemaRegistry) {
    for (const rt of registry.resourceTypes) {
      // RFC 7643 §2.2 uniqueness "server" or "global": enforce within this server.
      const unique = rt.schema.attributes
        .filter((a) => a.uniqueness !== 'none' && !a.multiValued && a.type !== 'complex')
        .map((a) => new UniqueIndex(a.name, a.caseExact));
      this.tables.set(rt.name, new Table(unique));
    }
  }

  private table(resourceType: string): Table {
    const t = this.tables.get(resourceType);
    if (!t) throw new Error(`Unknown resource type ${resourceType}`);
    return t;
  }

  async create(resourceType: string, data: ResourceData, members?: readonly Member[]): Promise<StoredResource> {
    const table = this.table(resourceType);
    for (const idx of table.unique) idx.check(data[idx.attribute], undefined);
    const id = randomUUID();
    const now = new Date().toISOString();
    const row: StoredResource = { resourceType, id, data, created: now, lastModified: now, version: nextVersion() };
    table.rows.set(id, row);
    this.typeById.set(id, resourceType);
    for (const idx of table.unique) idx.set(data[idx.attribute], id);
    if (members) this.membership.apply(id, { replace: members });
    return row;
  }

  async get(resourceType: string, id: string): Promise<StoredResource | undefined> {
    return this.table(resourceType).rows.get(id);
  }

  async replace(
    resourceType: string,
    id: string,
    data: ResourceData,
    membership?: MembershipChange,
    condition?: WriteCondition,
  ): Promise<StoredResource> {
    const table = this.table(resourceType);
    const current = this.current(table, id, condition);
    // Check everything before changing anything: a failed write leaves no trace.
    for (const idx of table.unique) idx.check(data[idx.attribute], id);
    for (const idx of table.unique) {
      idx.delete(current.data[idx.attribute], id);
      idx.set(data[idx.attribute], id);
    }
    const row: StoredResource = {
      ...current,
      data,
      lastModified: new Date().toISOString(),
      version: nextVersion(),
    };
    table.rows.set(id, row);
    if (membership) this.membership.apply(id, membership);
    return row;
  }

  async delete(resourceType: string, id: string, condition?: WriteCondition): Promise<void> {
    const table = this.table(resourceType);
    const current = this.current(table, id, condition);
    for (const idx of table.unique) idx.delete(current.data[idx.attribute], id);
    table.rows.delete(id);
    this.typeById.delete(id);
    this.membership.forget(id);
  }

  async query(resourceType: string, query: StoreQuery): Promise<QueryResult> {
    if (query.filter !== undefined) throw new ScimError(400, 'Filtering is not supported yet', 'invalidFilter');
    const rows = this.table(resourceType).rows;
    const resources: StoredResource[] = [];
    if (query.limit > 0 && query.offset < rows.size) {
      let i = 0;
      for (const row of rows.values()) {
        if (i++ < query.offset) continue;
        resources.push(row);
        if (resources.length >= query.limit) break;
      }
    }
    return { totalResults: rows.size, resources };
  }

  async count(resourceType: string): Promise<number> {
    return this.table(resourceType).rows.size;
  }

  async members(groupId: string): Promise<readonly Member[]> {
    return this.membership.members(groupId);
  }

  async groupsOf(memberId: string): Promise<readonly string[]> {
    return this.membership.groupsOf(memberId);
  }

  async typeOf(id: string): Promise<string | undefined> {
    return this.typeById.get(id);
  }

  async close(): Promise<void> {}

  private current(table: Table, id: string, condition: WriteCondition | undefined): StoredResource {
    const current = table.rows.get(id);
    if (!current) throw ScimError.notFound(`Resource ${id} not found`);
    if (condition?.ifMatch && !versionMatches(current.version, condition.ifMatch)) {
      throw new ScimError(412, `Version mismatch: the resource is at ${current.version}`);
    }
    return current;
  }
}
