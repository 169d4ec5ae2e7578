// A StoreQuery as two SQL statements over one resource type: the count of matches (totalResults)
// and one page of them, in creation order or sorted, paged by offset or after a keyset cursor.
// Both backends run these; they differ only in dialect and in the optional index hint.
import type { Filter } from '../../filter/index.ts';
import type { ResourceTypeDef } from '../../schema/attributes.ts';
import type { StoreQuery } from '../store.ts';
import { Params, type SqlDialect } from './dialect.ts';
import { groupsOfCte } from './derived.ts';
import { compileWhere } from './filter.ts';
import { literal, RESOURCES } from './names.ts';
import { keyset, orderBy, sortKey, type SortKeySql } from './sort.ts';
import { createContext, type Context } from './values.ts';

export interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

export interface QueryPlan {
  readonly count: Statement;
  readonly page: Statement;
  /**
   * Both in one statement (one snapshot, one round trip): every row carries `total`; when the page
   * is empty, one row has only `total` (and a NULL id).
   */
  readonly combined: Statement;
  /** The page statement reads one row more than the page, to tell whether more follow. */
  readonly probe: boolean;
  readonly sortKind?: SortKeySql['kind'];
}

/** A necessary condition a backend adds to use its indexes (see indexableEquality); it must never exclude a match. */
export type IndexHint<R> = (ctx: Context<R>, filter: Filter) => string | undefined;

/** The columns a page returns, in the row `r`. */
export const RESOURCE_COLUMNS = 'r.seq, r.id, r.data, r.created, r.last_modified, r.version';

export function planQuery<R>(dialect: SqlDialect<R>, rt: ResourceTypeDef, query: StoreQuery, hint?: IndexHint<R>): QueryPlan {
  const params = new Params(dialect);
  const ctx = createContext(dialect, rt, params.add);
  const where = [`r.type = ${literal(rt.name)}`];
  if (query.filter) {
    const h = hint?.(ctx, query.filter);
    if (h) where.push(h);
    where.push(compileWhere(ctx, query.filter));
  }
  const filterParams = params.values.length;
  const key = query.sort ? sortKey(ctx, query.sort) : undefined;
  const descending = query.sort?.descending ?? false;
  const ctes = () => (ctx.usesGroups ? `WITH RECURSIVE ${groupsOfCte(dialect)} ` : '');
  const from = `FROM ${RESOURCES} r WHERE ${where.join(' AND ')}`;

  const count = { sql: `${ctes()}SELECT count(*) AS n ${from}`, params: params.values.slice(0, filterParams) };

  const { page } = query;
  let outer = '';
  if (page.kind === 'cursor' && page.after) outer = `WHERE ${keyset(ctx, key, descending, page.after)} `;
  const probe = page.kind === 'cursor';
  const paging = (n: number) => (dialect.literalPaging ? literalInteger(n) : params.add(n, 'integer'));
  const limit = paging(page.limit + (probe ? 1 : 0));
  const offset = paging(page.kind === 'index' ? page.offset : 0);
  const inner = `SELECT ${RESOURCE_COLUMNS}${key ? `, ${key.sql} AS sort_key` : ''} ${from}`;
  const pageSql =
    `SELECT s.* FROM (${inner}) s ${outer}` +
    `ORDER BY ${orderBy(key, descending, dialect.orderText)} LIMIT ${limit} OFFSET ${offset}`;
  const combined =
    `${ctes()}SELECT t.n AS total, p.* FROM (SELECT count(*) AS n ${from}) t ` +
    `LEFT JOIN LATERAL (${pageSql}) p ON TRUE ORDER BY ${orderBy(key, descending, dialect.orderText, 'p')}`;
  const all = [...params.values];
  return {
    count,
    page: { sql: `${ctes()}${pageSql}`, params: all },
    combined: { sql: combined, params: all },
    probe,
    sortKind: key?.kind,
  };
}

function literalInteger(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`Not a page bound: ${n}`);
  return String(n);
}
