// Query execution for the memory store: narrow by an index when the filter allows it, evaluate
// the compiled filter, sort, then page (by offset or after a keyset cursor).
//
// Costs (N resources, M matches, P page size):
// - no filter, no sort, index paging: O(P) (a slice of the creation-order array);
// - `eq` on an indexed attribute (alone or as a term of an `and`): O(hits) ~ O(1);
// - any other filter: O(N) evaluations; sorting adds O(M log M);
// - cursor paging: as above, then O(M) to find the keyset position.
import { compileFilter, indexableEquality } from '../../filter/index.ts';
import type { ResourceTypeDef } from '../../schema/attributes.ts';
import { formatPath } from '../../schema/paths.ts';
import { compareKeys, sortKeyOf, type SortKey } from '../../query/sort.ts';
import type { QueryResult, StoreQuery } from '../store.ts';
import type { Row } from './row.ts';
import type { Table } from './table.ts';
import { attributesIn, viewOf, type Derived } from '../view.ts';

export function runQuery(table: Table, rt: ResourceTypeDef, query: StoreQuery, derived: Derived): QueryResult {
  const { filter, sort, page } = query;
  if (!filter && !sort && page.kind === 'index') {
    return { totalResults: table.rows.size, resources: table.slice(page.offset, page.limit) };
  }

  let rows: Row[];
  let inCreationOrder = true;
  if (filter) {
    const predicate = compileFilter(filter, rt);
    const names = attributesIn(filter);
    const viewDerived = pick(derived, names);
    // Most filters read stored attributes only: evaluate them on the data itself and skip building
    // a view per row (a full scan of 100,000 users then allocates nothing per row).
    const onData = !VIEW_ONLY.some((n) => names.has(n));
    const candidates = indexCandidates(table, rt, query);
    if (candidates) inCreationOrder = false;
    rows = (candidates ?? table.all()).filter((row) =>
      predicate(onData ? row.data : viewOf(row, viewDerived)),
    );
  } else {
    rows = table.all();
  }

  // The common IdP lookup (an indexed `eq`, index paging, no sort) needs no keys: page the rows.
  if (!sort && page.kind === 'index') {
    if (!inCreationOrder && rows.length > 1) rows.sort((a, b) => a.seq - b.seq);
    return { totalResults: rows.length, resources: rows.slice(page.offset, page.offset + page.limit) };
  }

  let keyed: { row: Row; key: SortKey }[];
  if (sort) {
    const sortDerived = pick(derived, new Set([sort.path.attribute.name.toLowerCase()]));
    keyed = rows.map((row) => ({ row, key: sortKeyOf(viewOf(row, sortDerived), sort) }));
    const dir = sort.descending ? -1 : 1;
    keyed.sort((a, b) => dir * compareKeys(a.key, b.key) || a.row.seq - b.row.seq);
  } else {
    if (!inCreationOrder) rows.sort((a, b) => a.seq - b.seq);
    keyed = rows.map((row) => ({ row, key: undefined }));
  }

  const total = keyed.length;
  if (page.kind === 'index') {
    return { totalResults: total, resources: keyed.slice(page.offset, page.offset + page.limit).map((k) => k.row) };
  }
  let start = 0;
  if (page.after) {
    const after = page.after;
    const dir = sort?.descending ? -1 : 1;
    // First entry strictly after the cursor position in this order.
    const cmp = (k: { row: Row; key: SortKey }) =>
      sort ? dir * compareKeys(k.key, after.key) || k.row.seq - after.seq : k.row.seq - after.seq;
    start = keyed.findIndex((k) => cmp(k) > 0);
    if (start < 0) start = total;
  }
  const slice = keyed.slice(start, start + page.limit);
  const last = slice[slice.length - 1];
  const more = start + slice.length < total;
  return {
    totalResults: total,
    resources: slice.map((k) => k.row),
    ...(more && last ? { next: { key: last.key, seq: last.row.seq } } : {}),
  };
}

/** The rows an indexed equality term allows, or undefined when the filter has none. */
function indexCandidates(table: Table, rt: ResourceTypeDef, query: StoreQuery): Row[] | undefined {
  const unique = (name: string) => table.unique.find((u) => u.attribute === name);
  const indexed = (name: string) => name === 'id' || unique(name) !== undefined || table.indexes.has(name);
  const term = indexableEquality(query.filter!, rt, (p) => indexed(formatPath(p)));
  if (!term) return undefined;
  const name = formatPath(term.path);
  if (name === 'id') {
    const row = table.rows.get(term.value);
    return row ? [row] : [];
  }
  const uniqueIndex = unique(name);
  if (uniqueIndex) {
    const owner = uniqueIndex.lookup(term.value);
    return owner !== undefined ? [table.rows.get(owner)!] : [];
  }
  return table.indexes.get(name)!.lookup(term.value).map((id) => table.rows.get(id)!);
}

/** Attributes a view adds to the stored data (lower case, as attributesIn reports them). */
const VIEW_ONLY = ['id', 'meta', 'schemas', 'members', 'groups'];

/** Only the derived attributes a filter or sort reads: each costs work per resource. */
function pick(derived: Derived, names: ReadonlySet<string>): Derived {
  return {
    ...(names.has('schemas') ? { schemas: derived.schemas } : {}),
    ...(names.has('members') ? { members: derived.members } : {}),
    ...(names.has('groups') ? { groups: derived.groups } : {}),
  };
}
