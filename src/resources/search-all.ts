// POST /.search at the service provider's root (RFC 7644 §3.4.3): one query over every resource
// type. Each type answers the filter on its own terms: a type whose schemas lack an attribute the
// filter names has no matches (rather than failing the whole search); results are merged in sort
// order, or type by type (Users, then Groups) when unsorted. Index paging only.
import { ScimError } from '../errors.ts';
import { chain, chainOperands, lookupPath, type Filter } from '../filter/index.ts';
import { parseFilterParam, type ListParams, type PagingLimits } from '../query/list-request.ts';
import { clampPage, LIST_RESPONSE_URN } from '../query/paging.ts';
import { parseProjection } from '../query/projection.ts';
import { compareKeys, parseSort, parseSortOrder, resolveSortPath, sortKeyOf, type SortKey, type SortSpec } from '../query/sort.ts';
import type { ResourceTypeDef } from '../schema/attributes.ts';
import type { Store, StoredResource } from '../store/store.ts';
import { DERIVED_ATTRIBUTES, viewOf } from '../store/view.ts';
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

// A filter that never matches and one that always does, in the filter language itself: every
// resource has an id (RFC 7643 §3.1).
const NEVER: Filter = { kind: 'not', filter: { kind: 'present', path: { attr: 'id' } } };
const ALWAYS: Filter = { kind: 'present', path: { attr: 'id' } };

/**
 * The filter as it applies to one resource type: a term naming an attribute the type does not have
 * is about an absent value, so it is false (or true for `ne` and `eq null`), as for any resource
 * lacking that attribute. Undefined when the filter names nothing this type knows at all.
 */
function restrictToType(filter: Filter, rt: ResourceTypeDef): { filter: Filter; known: boolean } {
  switch (filter.kind) {
    case 'and':
    case 'or': {
      const parts = chainOperands(filter).map((f) => restrictToType(f, rt));
      return { filter: chain(filter.kind, parts.map((p) => p.filter)), known: parts.some((p) => p.known) };
    }
    case 'not': {
      const inner = restrictToType(filter.filter, rt);
      return { filter: { kind: 'not', filter: inner.filter }, known: inner.known };
    }
    default: {
      if (lookupPath(rt, filter.path) !== undefined) return { filter, known: true };
      const absentMatches = filter.kind === 'compare' && ((filter.op === 'ne' && filter.value !== null) || (filter.op === 'eq' && filter.value === null));
      return { filter: absentMatches ? ALWAYS : NEVER, known: false };
    }
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
  const restricted = new Map(targets.map((t) => [t, filter && restrictToType(filter, t.rt)]));
  if (filter && ![...restricted.values()].some((r) => r!.known)) {
    // Unknown to every type: report it the way a single-type search does.
    await store.query(targets[0].rt.name, { filter, page: { kind: 'index', offset: 0, limit: 0 } });
  }
  const descending = parseSortOrder(req.sortOrder);
  const sortPaths = new Map(targets.map((t) => [t, req.sortBy ? resolveSortPath(t.rt, req.sortBy) : undefined]));
  if (req.sortBy && ![...sortPaths.values()].some(Boolean)) parseSort(targets[0].rt, req.sortBy, req.sortOrder);
  const entries: { target: SearchTarget; stored: StoredResource; key: SortKey }[] = [];
  let total = 0;
  for (const target of targets) {
    const path = sortPaths.get(target);
    const sort = path ? { path, descending } : undefined;
    const result = await store.query(target.rt.name, {
      filter: restricted.get(target)?.filter,
      sort,
      page: { kind: 'index', offset: 0, limit: page.offset + page.limit },
    });
    total += result.totalResults;
    for (const stored of result.resources) {
      entries.push({ target, stored, key: sort ? await sortKey(target, stored, sort, ctx) : undefined });
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

/** Derived attributes (members, groups) are not in stored data: read them from the full representation. */
async function sortKey(target: SearchTarget, stored: StoredResource, sort: SortSpec, ctx: RequestContext): Promise<SortKey> {
  if (sort.path.extension === undefined && DERIVED_ATTRIBUTES.has(sort.path.attribute.name)) {
    return sortKeyOf(await target.serializer.toScim(stored, ctx), sort);
  }
  return sortKeyOf(viewOf(stored, {}), sort);
}
