// scim_keys: the index keys of each resource's indexed attributes (sql/keys.ts), written in the
// same transaction as the resource. A unique key that is taken is the 409 uniqueness error; a
// filter's indexable equality becomes a lookup in this table (a necessary condition, so the
// compiled filter still decides).
import { cachedPrepare, type Prepare } from './statements.ts';
import type Database from 'better-sqlite3';
import { ScimError } from '../../errors.ts';
import { indexableEquality, type Filter } from '../../filter/index.ts';
import { formatPath } from '../../schema/paths.ts';
import type { SchemaRegistry } from '../../schema/registry.ts';
import { keyedPaths, keysOf, uniquenessMessage, type KeyedPath } from '../sql/keys.ts';
import type { Context } from '../sql/values.ts';
import type { ResourceData } from '../store.ts';
import type { SqliteRef } from './dialect.ts';

export class KeysTable {
  private readonly byType = new Map<string, KeyedPath[]>();
  private readonly byId = new Map<string, KeyedPath>();
  private readonly prepare: Prepare;

  constructor(
    private readonly db: Database.Database,
    registry: SchemaRegistry,
    indexes?: Readonly<Record<string, readonly string[]>>,
  ) {
    this.prepare = cachedPrepare(db);
    for (const kp of keyedPaths(registry, indexes)) {
      this.byId.set(pathId(kp), kp);
      const list = this.byType.get(kp.rt.name) ?? [];
      list.push(kp);
      this.byType.set(kp.rt.name, list);
    }
  }

  /** Writes the keys of a new or changed resource; throws 409 when a unique one is taken. */
  write(resourceType: string, seq: number, data: ResourceData, replacing: boolean): void {
    if (replacing) this.prepare('DELETE FROM scim_keys WHERE seq = ?').run(seq);
    const insert = this.prepare('INSERT INTO scim_keys (seq, path, key, is_unique) VALUES (?, ?, ?, ?)');
    for (const kp of this.byType.get(resourceType) ?? []) {
      for (const key of keysOf(kp, data)) {
        try {
          insert.run(seq, pathId(kp), key, kp.unique ? 1 : 0);
        } catch (err) {
          if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
          throw new ScimError(409, uniquenessMessage(kp.name, data[kp.path.attribute.name]), 'uniqueness');
        }
      }
    }
  }

  /** Recomputes every key when the indexed paths differ from those the file was written with. */
  rebuildIfChanged(): void {
    const wanted = JSON.stringify([...this.byId.values()].map((kp) => [pathId(kp), kp.unique, kp.caseExact]));
    const row = this.prepare(`SELECT value FROM scim_settings WHERE name = 'keyed_paths'`).get() as { value: string } | undefined;
    if (row?.value === wanted) return;
    this.db.transaction(() => {
      this.prepare('DELETE FROM scim_keys').run();
      const rows = this.prepare('SELECT seq, type, data FROM scim_resources').all() as { seq: number; type: string; data: string }[];
      for (const r of rows) this.write(r.type, r.seq, JSON.parse(r.data), false);
      this.prepare(`INSERT OR REPLACE INTO scim_settings (name, value) VALUES ('keyed_paths', ?)`).run(wanted);
    }).immediate();
  }

  /** The filter's indexable equality as a lookup of candidate rows, when it has one. */
  hint = (ctx: Context<SqliteRef>, filter: Filter): string | undefined => {
    const id = (p: Parameters<typeof formatPath>[0]) => `${ctx.rt.name}:${formatPath(p)}`;
    const term = indexableEquality(filter, ctx.rt, (p) => this.byId.has(id(p)));
    if (!term) return undefined;
    const kp = this.byId.get(id(term.path))!;
    const key = kp.caseExact ? term.value : term.value.toLowerCase();
    return `r.seq IN (SELECT k.seq FROM scim_keys k WHERE k.path = ${ctx.param(id(term.path), 'text')} AND k.key = ${ctx.param(key, 'text')})`;
  };
}

function pathId(kp: KeyedPath): string {
  return `${kp.rt.name}:${kp.name}`;
}
