// A list request (GET query parameters or a SearchRequest body, RFC 7644 §3.4.2 and §3.4.3)
// turned into a store query: filter parsed, sort resolved, paging kind chosen and clamped.
import { ScimError } from '../errors.ts';
import { parseFilter, printFilter, type Filter } from '../filter/index.ts';
import type { ResourceTypeDef } from '../schema/attributes.ts';
import { formatPath } from '../schema/paths.ts';
import type { PageSpec } from '../store/store.ts';
import { CursorCodec } from './cursor.ts';
import { clampPage } from './paging.ts';
import { parseSort, type SortSpec } from './sort.ts';

export interface ListParams {
  readonly filter?: string;
  readonly sortBy?: string;
  readonly sortOrder?: string;
  readonly startIndex?: number;
  readonly count?: number;
  readonly cursor?: string;
}

export interface PagingLimits {
  readonly defaultCount: number;
  readonly maxResults: number;
}

export interface PlannedQuery {
  readonly filter?: Filter;
  readonly sort?: SortSpec;
  readonly page: PageSpec;
  /** Index paging: the 1-based startIndex to report. */
  readonly startIndex?: number;
  /** Cursor paging: the fingerprint the next cursor must carry. */
  readonly fingerprint?: string;
}

export function parseFilterParam(filter: string | undefined): Filter | undefined {
  return filter === undefined || filter.trim() === '' ? undefined : parseFilter(filter);
}

export function planQuery(
  rt: ResourceTypeDef,
  params: ListParams,
  limits: PagingLimits,
  cursors: CursorCodec,
): PlannedQuery {
  const filter = parseFilterParam(params.filter);
  const sort = parseSort(rt, params.sortBy, params.sortOrder);
  if (params.cursor === undefined) {
    const page = clampPage(params, limits.defaultCount, limits.maxResults);
    return { filter, sort, page: { kind: 'index', offset: page.offset, limit: page.limit }, startIndex: page.startIndex };
  }
  // RFC 9865: cursor and startIndex are two different paging methods; one request uses one.
  if (params.startIndex !== undefined) {
    throw new ScimError(400, 'startIndex and cursor cannot be used together', 'invalidValue');
  }
  const limit = clampPage({ count: params.count }, limits.defaultCount, limits.maxResults).limit;
  const fingerprint = CursorCodec.fingerprint([
    rt.name,
    filter ? printFilter(filter) : '',
    sort ? [formatPath(sort.path), sort.descending] : null,
  ]);
  const after = params.cursor === '' ? undefined : cursors.decode(params.cursor, fingerprint);
  return { filter, sort, page: { kind: 'cursor', after, limit }, fingerprint };
}
