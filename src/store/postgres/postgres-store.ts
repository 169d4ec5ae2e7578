// The PostgreSQL store (pg): shared by any number of server instances on one database.
//
// Guarantees: a write is one statement or one transaction, so it is all there or not at all, and
// it is durable once acknowledged (PostgreSQL's synchronous_commit=on, the default). If-Match is a
// conditional UPDATE/DELETE (`... AND version = ANY(...)`): under concurrent writers exactly one
// compare-and-set on a version wins. Uniqueness is a unique expression index. Every filter, sort
// and page is answered in SQL; no query reads rows into Node to filter them.
import { randomUUID } from 'node:crypto';
import { indexableEquality, type Filter } from '../../filter/index.ts';
import type { ResourceTypeDef } from '../../schema/attributes.ts';
import { formatPath } from '../../schema/paths.ts';
import type { SchemaRegistry } from '../../schema/registry.ts';
import { acceptedVersions, conditionFailed } from '../sql/conditions.ts';
import { keyedPaths, type KeyedPath } from '../sql/keys.ts';
import { planQuery } from '../sql/query.ts';
import type { Context } from '../sql/values.ts';
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
import { pgDialect, type PgRef } from './dialect.ts';
import { Batcher } from './batch.ts';
import { Connection, type Client } from './connection.ts';
import { applyMembership } from './membership.ts';
import { schemaOrder } from './order.ts';
import { keyCondition } from './keys.ts';
import { indexFor, type IndexDef } from './schema.ts';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  readonly connectionString: string;
  /** Lookup indexes per resource type; default the memory store's DEFAULT_INDEXES. */
  readonly indexes?: Readonly<Record<string, readonly string[]>>;
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number;
}

interface ResourceRow {
  seq: string;
  id: string;
  data: ResourceData;
  created: string;
  last_modified: string;
  version: string;
  sort_key?: string | number | null;
}

type TypedRow = ResourceRow & { type: string };

const COLUMNS = 'seq, id, data, created, last_modified, version';

export class PostgresStore implements Store {
  private readonly db: Connection;
  private readonly types = new Map<string, ResourceTypeDef>();
  /** Indexed attribute paths, by "Type:path" (see keys.ts). */
  private readonly keyed = new Map<string, KeyedPath>();
  /** Reads a page's serialisation asks for all at once (User.groups and the groups' names): one query each. */
  private readonly rows = new Batcher<string, TypedRow | undefined>((ids) => this.rowsById(ids), undefined);
  private readonly groupLists = new Batcher<string, readonly string[]>((ids) => this.groupsOfMany(ids), []);

  /** Opens the store and waits until its schema is in place (errors surface here). */
  static async open(registry: SchemaRegistry, options: PostgresStoreOptions): Promise<PostgresStore> {
    const store = new PostgresStore(registry, options);
    try {
      await store.db.ready();
    } catch (err) {
      await store.close(); // no pool left behind by a failed open
      throw err;
    }
    return store;
  }

  /** Returns at once: the schema is created in the background, and every call waits for it. */
  constructor(registry: SchemaRegistry, options: PostgresStoreOptions) {
    for (const rt of registry.resourceTypes) this.types.set(rt.name, rt);
    const indexes = new Map<string, IndexDef>();
    for (const kp of keyedPaths(registry, options.indexes)) {
      const index = indexFor(kp);
      indexes.set(index.name, index);
      this.keyed.set(`${kp.rt.name}:${kp.name}`, kp);
    }
    this.db = new Connection(options.connectionString, options.poolSize ?? 10, indexes);
  }

  async create(resourceType: string, data: ResourceData, members?: readonly Member[]): Promise<StoredResource> {
    this.rt(resourceType);
    const id = randomUUID();
    const now = new Date();
    const created = now.toISOString();
    const resource: StoredResource = { resourceType, id, data, created, lastModified: created, version: nextVersion() };
    const insert = (c: Client) =>
      c.query(
        `INSERT INTO scim_resources (id, type, data, created, created_ms, last_modified, modified_ms, version)
         VALUES ($1, $2, $3, $4, $5, $4, $5, $6)`,
        [id, resourceType, JSON.stringify(data), created, now.getTime(), resource.version],
      );
    if (!members || members.length === 0) await this.db.run(data, insert);
    else await this.db.transaction(data, async (c) => (await insert(c), await applyMembership(c, id, { replace: members })));
    return resource;
  }

  async get(resourceType: string, id: string): Promise<StoredResource | undefined> {
    const row = await this.rows.load(id);
    return row && row.type === resourceType ? this.toResource(resourceType, row) : undefined;
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
    const update = async (c: Client) => {
      const { rows } = await c.query<{ created: string }>(
        `UPDATE scim_resources SET data = $1, last_modified = $2, modified_ms = $3, version = $4
         WHERE type = $5 AND id = $6${accepted ? ' AND version = ANY($7::text[])' : ''} RETURNING created`,
        [JSON.stringify(data), lastModified, now.getTime(), version, resourceType, id, ...(accepted ? [accepted] : [])],
      );
      if (rows.length === 0) throw conditionFailed(resourceType, id, await versionOf(c, resourceType, id));
      if (membership) await applyMembership(c, id, membership);
      return rows[0].created;
    };
    // A membership change must land with the data: one transaction. Otherwise one statement.
    const created = membership ? await this.db.transaction(data, update) : await this.db.run(data, update);
    return { resourceType, id, data, created, lastModified, version };
  }

  async delete(resourceType: string, id: string, condition?: WriteCondition): Promise<void> {
    const accepted = acceptedVersions(condition);
    await this.db.run(undefined, async (c) => {
      // Memberships naming the resource go with it (ON DELETE CASCADE).
      const { rowCount } = await c.query(
        `DELETE FROM scim_resources WHERE type = $1 AND id = $2${accepted ? ' AND version = ANY($3::text[])' : ''}`,
        [resourceType, id, ...(accepted ? [accepted] : [])],
      );
      if (rowCount === 0) throw conditionFailed(resourceType, id, await versionOf(c, resourceType, id));
    });
  }

  async query(resourceType: string, query: StoreQuery): Promise<QueryResult> {
    const plan = planQuery(pgDialect, this.rt(resourceType), query, this.hint);
    // The count and the page in one statement: one snapshot, one round trip.
    const result = await this.db.run(undefined, (c) => c.query<ResourceRow & { total: string }>(plan.combined.sql, [...plan.combined.params]));
    const total = Number(result.rows[0].total);
    const rows = result.rows.filter((r) => r.id !== null);
    const page = plan.probe ? rows.slice(0, query.page.limit) : rows;
    const last = page[page.length - 1];
    const more = plan.probe && rows.length > query.page.limit;
    const key = (row: ResourceRow) =>
      !plan.sortKind || row.sort_key === null || row.sort_key === undefined
        ? undefined
        : plan.sortKind === 'number'
          ? Number(row.sort_key)
          : String(row.sort_key);
    return {
      totalResults: total,
      resources: page.map((r) => this.toResource(resourceType, r)),
      ...(more && last ? { next: { key: key(last), seq: Number(last.seq) } } : {}),
    };
  }

  async count(resourceType: string): Promise<number> {
    const { rows } = await this.db.run(undefined, (c) =>
      c.query<{ n: string }>('SELECT count(*) AS n FROM scim_resources WHERE type = $1', [resourceType]),
    );
    return Number(rows[0].n);
  }

  async members(groupId: string): Promise<readonly Member[]> {
    const { rows } = await this.db.run(undefined, (c) =>
      c.query<{ member_id: string; member_type: Member['type']; display: string | null }>(
        'SELECT member_id, member_type, display FROM scim_memberships WHERE group_id = $1 ORDER BY pos',
        [groupId],
      ),
    );
    return rows.map((r) => ({ value: r.member_id, type: r.member_type, ...(r.display !== null ? { display: r.display } : {}) }));
  }

  async isMember(groupId: string, memberId: string): Promise<boolean> {
    const { rowCount } = await this.db.run(undefined, (c) =>
      c.query('SELECT 1 FROM scim_memberships WHERE group_id = $1 AND member_id = $2', [groupId, memberId]),
    );
    return (rowCount ?? 0) > 0;
  }

  async groupsOf(memberId: string): Promise<readonly string[]> {
    return this.groupLists.load(memberId);
  }

  async typeOf(id: string): Promise<string | undefined> {
    const { rows } = await this.db.run(undefined, (c) => c.query<{ type: string }>('SELECT type FROM scim_resources WHERE id = $1', [id]));
    return rows[0]?.type;
  }

  async ping(): Promise<void> {
    await this.db.run(undefined, (c) => c.query('SELECT 1'));
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  private async rowsById(ids: readonly string[]): Promise<Map<string, TypedRow>> {
    const { rows } = await this.db.run(undefined, (c) =>
      ids.length === 1
        ? c.query<TypedRow>(`SELECT ${COLUMNS}, type FROM scim_resources WHERE id = $1`, [ids[0]])
        : c.query<TypedRow>(`SELECT ${COLUMNS}, type FROM scim_resources WHERE id = ANY($1::text[])`, [ids]),
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  private async groupsOfMany(ids: readonly string[]): Promise<Map<string, string[]>> {
    const { rows } = await this.db.run(undefined, (c) =>
      ids.length === 1
        ? c.query<{ member_id: string; group_id: string }>('SELECT member_id, group_id FROM scim_memberships WHERE member_id = $1 ORDER BY pos', [ids[0]])
        : c.query<{ member_id: string; group_id: string }>(
            'SELECT member_id, group_id FROM scim_memberships WHERE member_id = ANY($1::text[]) ORDER BY member_id, pos',
            [ids],
          ),
    );
    const out = new Map<string, string[]>();
    for (const r of rows) {
      const list = out.get(r.member_id);
      if (list) list.push(r.group_id);
      else out.set(r.member_id, [r.group_id]);
    }
    return out;
  }

  /** An indexed equality (alone, in an and, or in brackets): narrow by its index first. */
  private readonly hint = (ctx: Context<PgRef>, filter: Filter): string | undefined => {
    const id = (p: Parameters<typeof formatPath>[0]) => `${ctx.rt.name}:${formatPath(p)}`;
    const term = indexableEquality(filter, ctx.rt, (p) => this.keyed.has(id(p)));
    return term && keyCondition(this.keyed.get(id(term.path))!, term.value, ctx.param);
  };

  private rt(resourceType: string): ResourceTypeDef {
    const rt = this.types.get(resourceType);
    if (!rt) throw new Error(`Unknown resource type ${resourceType}`);
    return rt;
  }

  private toResource(resourceType: string, row: ResourceRow): StoredResource {
    return {
      resourceType,
      id: row.id,
      data: schemaOrder(this.rt(resourceType), row.data),
      created: row.created,
      lastModified: row.last_modified,
      version: row.version,
    };
  }
}

async function versionOf(c: Client, resourceType: string, id: string): Promise<string | undefined> {
  const { rows } = await c.query<{ version: string }>('SELECT version FROM scim_resources WHERE type = $1 AND id = $2', [resourceType, id]);
  return rows[0]?.version;
}
