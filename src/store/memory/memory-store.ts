// The embedded default store: everything in process memory, lost on exit.
// Lookups by id and by indexed attribute are O(1); membership changes are O(1) per member.
// Every method runs synchronously inside its promise, so each write is atomic: no reader can
// observe half of it, and a failed check leaves nothing changed.
import { excerpt, ScimError } from '../../errors.ts';
import type { ResourceTypeDef } from '../../schema/attributes.ts';
import { resolvePath, splitPath } from '../../schema/paths.ts';
import type { SchemaRegistry } from '../../schema/registry.ts';
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
import { compactData } from './compact.ts';
import { Membership } from './membership.ts';
import { runQuery } from './query.ts';
import type { Derived } from '../view.ts';
import { newId, Row, timestamp } from './row.ts';
import { Table } from './table.ts';
import { UniqueIndex } from './unique-index.ts';
import { ValueIndex } from './value-index.ts';

/** Equality indexes beyond id and unique attributes: what identity providers look resources up by. */
export const DEFAULT_INDEXES: Readonly<Record<string, readonly string[]>> = {
  User: ['externalId', 'emails.value'],
  Group: ['displayName', 'externalId'],
};

export interface MemoryStoreOptions {
  readonly indexes?: Readonly<Record<string, readonly string[]>>;
}

export class MemoryStore implements Store {
  /** Per resource type: its rows, and the derived attributes its filters and sorting may read. */
  private readonly tables = new Map<string, { table: Table; rt: ResourceTypeDef; urns: readonly string[]; derived: Derived }>();
  // Members are keyed by the store's own id strings, not the copies a request carried.
  private readonly membership = new Membership((m) => this.tables.get(m.type)?.table.rows.get(m.value)?.id ?? m.value);
  private seq = 0;

  constructor(registry: SchemaRegistry, options: MemoryStoreOptions = {}) {
    const indexes = options.indexes ?? DEFAULT_INDEXES;
    for (const rt of registry.resourceTypes) {
      // RFC 7643 §2.2 uniqueness "server" or "global": enforced within this server.
      const unique = rt.schema.attributes
        .filter((a) => a.uniqueness !== 'none' && !a.multiValued && a.type !== 'complex')
        .map((a) => new UniqueIndex(a.name, a.caseExact));
      const valueIndexes = new Map<string, ValueIndex>();
      for (const text of indexes[rt.name] ?? []) {
        const path = resolvePath(rt, splitPath(text));
        if (!path) throw new Error(`Cannot index ${rt.name}.${text}: no such attribute`);
        const idx = new ValueIndex(path);
        valueIndexes.set(idx.name, idx);
      }
      const urns = [rt.schema.id, ...rt.extensions.map((e) => e.schema.id)];
      const derived: Derived = {
        schemas: (data) => [rt.schema.id, ...rt.extensions.filter((e) => data[e.schema.id] !== undefined).map((e) => e.schema.id)],
        members: (id) => this.membership.members(id),
        groups: (id) => this.derivedGroups(id),
      };
      this.tables.set(rt.name, { table: new Table(rt.name, unique, valueIndexes), rt, urns, derived });
    }
  }

  private table(resourceType: string): Table {
    return this.entry(resourceType).table;
  }

  private entry(resourceType: string) {
    const t = this.tables.get(resourceType);
    if (!t) throw new Error(`Unknown resource type ${resourceType}`);
    return t;
  }

  async create(resourceType: string, data: ResourceData, members?: readonly Member[]): Promise<StoredResource> {
    const { table, urns } = this.entry(resourceType);
    for (const idx of table.unique) idx.check(data[idx.attribute], undefined);
    const id = newId();
    const now = timestamp();
    const row = new Row(resourceType, id, compactData(data, urns), now, now, nextVersion(), ++this.seq);
    table.insert(row);
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
    const { table, urns } = this.entry(resourceType);
    const current = this.current(table, id, condition);
    // Check everything before changing anything: a failed write leaves no trace.
    for (const idx of table.unique) idx.check(data[idx.attribute], id);
    const { resourceType: type, id: ownId, created, seq } = current;
    const row = new Row(type, ownId, compactData(data, urns), created, timestamp(), nextVersion(), seq);
    table.update(current, row);
    if (membership) this.membership.apply(ownId, membership);
    return row;
  }

  async delete(resourceType: string, id: string, condition?: WriteCondition): Promise<void> {
    const table = this.table(resourceType);
    const current = this.current(table, id, condition);
    table.remove(current);
    this.membership.forget(id);
  }

  async query(resourceType: string, query: StoreQuery): Promise<QueryResult> {
    const { table, rt, derived } = this.tables.get(resourceType)!;
    return runQuery(table, rt, query, derived);
  }

  /** User.groups as GET shows it (value, display, direct/indirect), for filters on `groups`. */
  private derivedGroups(id: string) {
    const direct = new Set(this.membership.groupsOf(id));
    const groups = this.table('Group');
    return this.membership.transitiveGroupsOf(id).map((value) => {
      const display = groups.rows.get(value)?.data.displayName;
      return {
        value,
        type: direct.has(value) ? ('direct' as const) : ('indirect' as const),
        ...(typeof display === 'string' ? { display } : {}),
      };
    });
  }

  async count(resourceType: string): Promise<number> {
    return this.table(resourceType).rows.size;
  }

  async members(groupId: string): Promise<readonly Member[]> {
    return this.membership.members(groupId);
  }

  async isMember(groupId: string, memberId: string): Promise<boolean> {
    return this.membership.isMember(groupId, memberId);
  }

  async groupsOf(memberId: string): Promise<readonly string[]> {
    return this.membership.groupsOf(memberId);
  }

  async typeOf(id: string): Promise<string | undefined> {
    // A look-up per table (two) instead of an id -> type map: saves a map entry per resource.
    for (const [name, { table }] of this.tables) if (table.rows.has(id)) return name;
    return undefined;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  private current(table: Table, id: string, condition: WriteCondition | undefined): Row {
    const current = table.rows.get(id);
    if (!current) throw ScimError.notFound(`${table.resourceType} ${excerpt(id)} not found`);
    if (condition?.ifMatch && !versionMatches(current.version, condition.ifMatch)) {
      throw new ScimError(412, `Version mismatch: the resource is at ${current.version}`);
    }
    return current;
  }
}
