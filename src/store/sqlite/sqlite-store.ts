// The SQLite store (better-sqlite3): one file, shared safely by several processes.
//
// Guarantees: every write is all there or not at all (a savepoint of its own inside a BEGIN
// IMMEDIATE transaction that concurrent writes share: group-commit.ts); WAL with synchronous=FULL
// fsyncs each commit, and a write is acknowledged only after its commit, so it survives a crash of
// the process and a power loss (on a disk that honours fsync). If-Match is a conditional UPDATE
// (`... AND version IN (...)`), uniqueness a unique index, membership one row per member.
// better-sqlite3 is synchronous: a call runs to completion before any other, inside its promise.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ScimError } from '../../errors.ts';
import type { ResourceTypeDef } from '../../schema/attributes.ts';
import type { SchemaRegistry } from '../../schema/registry.ts';
import { acceptedVersions, conditionFailed } from '../sql/conditions.ts';
import { planQuery, type QueryPlan } from '../sql/query.ts';
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
import { nextVersion } from '../versions.ts';
import { sqliteDialect } from './dialect.ts';
import { registerFunctions } from './functions.ts';
import { cachedPrepare, type Prepare } from './statements.ts';
import { GroupCommit } from './group-commit.ts';
import { KeysTable } from './keys-table.ts';
import { migrate } from './schema.ts';

export interface SqliteStoreOptions {
  /** A file path, or `:memory:` (tests). */
  readonly path: string;
  /** Lookup indexes per resource type; default the memory store's DEFAULT_INDEXES. */
  readonly indexes?: Readonly<Record<string, readonly string[]>>;
}

interface ResourceRow {
  seq: number;
  id: string;
  data: string;
  created: string;
  last_modified: string;
  version: string;
  sort_key?: string | number | null;
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly types = new Map<string, ResourceTypeDef>();
  private readonly keys: KeysTable;
  private readonly prepare: Prepare;
  private readonly commits: GroupCommit;
  /**
   * A page and the total in one read transaction (one snapshot). A first page that is not full holds
   * every match, so its length is the total: an equality lookup (userName eq ...) is one statement.
   */
  private readonly readPage: (plan: QueryPlan, first: boolean, fetched: number) => { total: number; rows: ResourceRow[] };

  constructor(registry: SchemaRegistry, options: SqliteStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    registerFunctions(this.db);
    this.prepare = cachedPrepare(this.db);
    migrate(this.db);
    for (const rt of registry.resourceTypes) this.types.set(rt.name, rt);
    this.keys = new KeysTable(this.db, registry, options.indexes);
    this.keys.rebuildIfChanged();
    this.commits = new GroupCommit(this.db);
    this.readPage = this.db.transaction((plan: QueryPlan, first: boolean, fetched: number) => {
      const rows = this.prepare(plan.page.sql).all(named(plan.page.params)) as ResourceRow[];
      if (first && rows.length < fetched) return { total: rows.length, rows };
      return { total: (this.prepare(plan.count.sql).get(named(plan.count.params)) as { n: number }).n, rows };
    });
  }

  /** Runs `fn` atomically in the next (shared) commit; settles once that commit is durable. */
  private write<T>(id: string, fn: () => T): Promise<T> {
    return this.commits.run(fn, id);
  }

  async create(resourceType: string, data: ResourceData, members?: readonly Member[]): Promise<StoredResource> {
    this.rt(resourceType);
    const id = randomUUID();
    const now = new Date();
    const created = now.toISOString();
    const resource: StoredResource = { resourceType, id, data, created, lastModified: created, version: nextVersion() };
    await this.write(id, () => {
      const { lastInsertRowid } = this
        .prepare(
          `INSERT INTO scim_resources (id, type, data, created, created_ms, last_modified, modified_ms, version)
           VALUES (@id, @type, @data, @created, @ms, @created, @ms, @version)`,
        )
        .run({ id, type: resourceType, data: JSON.stringify(data), created, ms: now.getTime(), version: resource.version });
      this.keys.write(resourceType, Number(lastInsertRowid), data, false);
      if (members) this.applyMembership(id, { replace: members });
    });
    return resource;
  }

  async get(resourceType: string, id: string): Promise<StoredResource | undefined> {
    // PUT and PATCH read the version they replace: it must include a write still waiting to commit.
    this.commits.settle(id);
    const row = this
      .prepare('SELECT seq, id, data, created, last_modified, version FROM scim_resources WHERE type = ? AND id = ?')
      .get(resourceType, id) as ResourceRow | undefined;
    return row && toResource(resourceType, row);
  }

  async replace(
    resourceType: string,
    id: string,
    data: ResourceData,
    membership?: MembershipChange,
    condition?: WriteCondition,
  ): Promise<StoredResource> {
    this.rt(resourceType);
    const accepted = acceptedVersions(condition);
    const now = new Date();
    const lastModified = now.toISOString();
    const version = nextVersion();
    return this.write(id, () => {
      const row = this
        .prepare(
          `UPDATE scim_resources SET data = @data, last_modified = @lastModified, modified_ms = @ms, version = @version
           WHERE type = @type AND id = @id${accepted ? ' AND version IN (SELECT value FROM json_each(@accepted))' : ''}
           RETURNING seq, created`,
        )
        .get({
          data: JSON.stringify(data),
          lastModified,
          ms: now.getTime(),
          version,
          type: resourceType,
          id,
          ...(accepted ? { accepted: JSON.stringify(accepted) } : {}),
        }) as { seq: number; created: string } | undefined;
      if (!row) throw conditionFailed(resourceType, id, this.versionOf(resourceType, id));
      this.keys.write(resourceType, row.seq, data, true);
      if (membership) this.applyMembership(id, membership);
      return { resourceType, id, data, created: row.created, lastModified, version };
    });
  }

  async delete(resourceType: string, id: string, condition?: WriteCondition): Promise<void> {
    const accepted = acceptedVersions(condition);
    await this.write(id, () => {
      // Memberships naming the resource, and its keys, go with it (ON DELETE CASCADE).
      const { changes } = this
        .prepare(
          `DELETE FROM scim_resources WHERE type = @type AND id = @id${accepted ? ' AND version IN (SELECT value FROM json_each(@accepted))' : ''}`,
        )
        .run({ type: resourceType, id, ...(accepted ? { accepted: JSON.stringify(accepted) } : {}) });
      if (changes === 0) throw conditionFailed(resourceType, id, this.versionOf(resourceType, id));
    });
  }

  async query(resourceType: string, query: StoreQuery): Promise<QueryResult> {
    const plan = planQuery(sqliteDialect, this.rt(resourceType), query, this.keys.hint);
    const first = query.page.kind === 'index' ? query.page.offset === 0 : query.page.after === undefined;
    const { total, rows } = this.readPage(plan, first, query.page.limit + (plan.probe ? 1 : 0));
    const page = plan.probe ? rows.slice(0, query.page.limit) : rows;
    const last = page[page.length - 1];
    const more = plan.probe && rows.length > query.page.limit;
    return {
      totalResults: total,
      resources: page.map((r) => toResource(resourceType, r)),
      ...(more && last ? { next: { key: plan.sortKind ? (last.sort_key ?? undefined) : undefined, seq: last.seq } } : {}),
    };
  }

  async count(resourceType: string): Promise<number> {
    return (this.prepare('SELECT count(*) AS n FROM scim_resources WHERE type = ?').get(resourceType) as { n: number }).n;
  }

  async members(groupId: string): Promise<readonly Member[]> {
    const rows = this
      .prepare('SELECT member_id, member_type, display FROM scim_memberships WHERE group_id = ? ORDER BY pos')
      .all(groupId) as { member_id: string; member_type: Member['type']; display: string | null }[];
    return rows.map((r) => ({ value: r.member_id, type: r.member_type, ...(r.display !== null ? { display: r.display } : {}) }));
  }

  async isMember(groupId: string, memberId: string): Promise<boolean> {
    return this.prepare('SELECT 1 FROM scim_memberships WHERE group_id = ? AND member_id = ?').get(groupId, memberId) !== undefined;
  }

  async groupsOf(memberId: string): Promise<readonly string[]> {
    const rows = this.prepare('SELECT group_id FROM scim_memberships WHERE member_id = ? ORDER BY pos').all(memberId) as { group_id: string }[];
    return rows.map((r) => r.group_id);
  }

  async typeOf(id: string): Promise<string | undefined> {
    return (this.prepare('SELECT type FROM scim_resources WHERE id = ?').get(id) as { type: string } | undefined)?.type;
  }

  async ping(): Promise<void> {
    this.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.commits.drain();
    this.db.close();
  }

  private rt(resourceType: string): ResourceTypeDef {
    const rt = this.types.get(resourceType);
    if (!rt) throw new Error(`Unknown resource type ${resourceType}`);
    return rt;
  }

  private versionOf(resourceType: string, id: string): string | undefined {
    const row = this.prepare('SELECT version FROM scim_resources WHERE type = ? AND id = ?').get(resourceType, id) as
      | { version: string }
      | undefined;
    return row?.version;
  }

  /** The memory store's order of effects: clear (replace), remove, then add in list order. */
  private applyMembership(groupId: string, change: MembershipChange): void {
    if (change.replace) this.prepare('DELETE FROM scim_memberships WHERE group_id = ?').run(groupId);
    const remove = this.prepare('DELETE FROM scim_memberships WHERE group_id = ? AND member_id = ?');
    for (const memberId of change.remove ?? []) remove.run(groupId, memberId);
    const add = this.prepare(
      `INSERT INTO scim_memberships (group_id, member_id, member_type, display) VALUES (?, ?, ?, ?)
       ON CONFLICT (group_id, member_id) DO NOTHING`,
    );
    try {
      for (const m of [...(change.replace ?? []), ...(change.add ?? [])]) add.run(groupId, m.value, m.type, m.display ?? null);
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_FOREIGNKEY') throw err;
      throw new ScimError(400, 'A member does not exist (it may just have been deleted)', 'invalidValue');
    }
  }
}

function toResource(resourceType: string, row: ResourceRow): StoredResource {
  return { resourceType, id: row.id, data: JSON.parse(row.data), created: row.created, lastModified: row.last_modified, version: row.version };
}

/** better-sqlite3 binds @p1, @p2, ... from an object. */
function named(params: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  params.forEach((v, i) => (out[`p${i + 1}`] = typeof v === 'boolean' ? Number(v) : v === undefined ? null : v));
  return out;
}
