// POST /.search at the service provider's root (RFC 7644 §3.4.3): one query over every resource
// type. Each type answers the filter on its own terms: a type whose schemas lack an attribute the
// filter names has no matches (rather than failing the whole search); results are merged in sort
// order, or type by type (Users, then Groups) when unsorted. Index paging only.
import { ScimError } from '../errors.ts';
import { chainOperands, lookupPath, type Filter } from '../filter/index.ts';
import { parseFilterParam, type ListParams, type PagingLimits } from '../query/list-request.ts';
import { clampPage, LIST_RESPONSE_URN } from '../query/paging.ts';
import { parseProjection } from '../query/projection.ts';
import { compareKeys, parseSort, parseSortOrder, resolveSortPath, sortKeyOf, type SortKey } from '../query/sort.ts';
import type { ResourceTypeDef } from '../schema/attributes.ts';
import type { Store, StoredResource } from '../store/store.ts';
import { viewOf } from '../store/view.ts';
import type { RequestContext } from './context.ts';
import type { Serializer } from './serialize.ts';

export interface SearchAllRequest extends ListParams {
  readonly attributes?: readonly string[];
  readonly excludedAttributes?: readonly string[];
}

export interface SearchTarget {
  readonly rt: ResourceTypeDef;
  readonly serializer: Serializer;
}

/** Whether every attribute the filter names exists in this resource type. */
function filterApplies(filter: Filter, rt: ResourceTypeDef): boolean {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return chainOperands(filter).every((f) => filterApplies(f, rt));
    case 'not':
      return filterApplies(filter.filter, rt);
    default:
      return lookupPath(rt, filter.path) !== undefined;
  }
}

export async function searchAll(
  store: Store,
  targets: readonly SearchTarget[],
  req: SearchAllRequest,
  limits: PagingLimits,
  ctx: RequestContext,
) {
  if (req.cursor !== undefined) {
    throw new ScimError(400, 'Cursor paging is not offered for searches at the root; page with startIndex', 'invalidValue');
  }
  const filter = parseFilterParam(req.filter);
  const page = clampPage(req, limits.defaultCount, limits.maxResults);
  const applicable = targets.filter((t) => !filter || filterApplies(filter, t.rt));
  if (filter && applicable.length === 0) {
    // Unknown everywhere: report it the way a single-type search does.
    await store.query(targets[0].rt.name, { filter, page: { kind: 'index', offset: 0, limit: 0 } });
  }
  const descending = parseSortOrder(req.sortOrder);
  const sortPaths = new Map(applicable.map((t) => [t, req.sortBy ? resolveSortPath(t.rt, req.sortBy) : undefined]));
  if (req.sortBy && ![...sortPaths.values()].some(Boolean)) parseSort(targets[0].rt, req.sortBy, req.sortOrder);
  const entries: { target: SearchTarget; stored: StoredResource; key: SortKey }[] = [];
  let total = 0;
  for (const target of applicable) {
    const path = sortPaths.get(target);
    const sort = path ? { path, descending } : undefined;
    const result = await store.query(target.rt.name, {
      filter,
      sort,
      page: { kind: 'index', offset: 0, limit: page.offset + page.limit },
    });
    total += result.totalResults;
    for (const stored of result.resources) {
      entries.push({ target, stored, key: sort ? sortKeyOf(viewOf(stored, {}), sort) : undefined });
    }
  }
  if (req.sortBy) {
    const dir = descending ? -1 : 1;
    // Array.prototype.sort is stable: ties keep type order, then each type's own order.
    entries.sort((a, b) => dir * compareKeys(a.key, b.key));
  }
  const pageEntries = entries.slice(page.offset, page.offset + page.limit);
  const resources = await Promise.all(
    pageEntries.map(({ target, stored }) =>
      target.serializer.toScim(stored, ctx, parseProjection(target.rt, req.attributes, req.excludedAttributes)),
    ),
  );
  return {
    schemas: [LIST_RESPONSE_URN],
    totalResults: total,
    startIndex: page.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
