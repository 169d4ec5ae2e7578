// Sorting (RFC 7644 §3.4.2.3): by one singular attribute or sub-attribute; for a multi-valued
// attribute, by its primary value, else its first. Comparison follows the attribute's type and
// caseExact. Ties keep creation order, so the order is stable. Resources without a value sort
// last when ascending and first when descending (the order reversed, as SQL's default NULLS LAST
// for ASC and NULLS FIRST for DESC, so every store agrees).
import { excerpt, ScimError } from '../errors.ts';
import { parseInstant } from '../filter/index.ts';
import type { AttributeDef, ResourceTypeDef } from '../schema/attributes.ts';
import { resolvePath, splitPath, type ResolvedPath } from '../schema/paths.ts';

export interface SortSpec {
  readonly path: ResolvedPath;
  readonly descending: boolean;
}

/** A comparable form of one resource's sort value; undefined when it has none. */
export type SortKey = string | number | undefined;

export function parseSort(rt: ResourceTypeDef, sortBy: string | undefined, sortOrder: string | undefined): SortSpec | undefined {
  const descending = parseSortOrder(sortOrder);
  if (sortBy === undefined || sortBy === '') return undefined;
  const path = resolveSortPath(rt, sortBy);
  if (!path) throw new ScimError(400, `Cannot sort by unknown attribute '${excerpt(sortBy, 100)}'`, 'invalidValue');
  return { path, descending };
}

/** `ascending` (the default) or `descending`, case-insensitive; anything else is invalidValue. */
export function parseSortOrder(sortOrder: string | undefined): boolean {
  if (sortOrder === undefined) return false;
  const order = sortOrder.toLowerCase();
  if (order !== 'ascending' && order !== 'descending') {
    throw new ScimError(400, `sortOrder must be "ascending" or "descending", not "${excerpt(sortOrder)}"`, 'invalidValue');
  }
  return order === 'descending';
}

/** The path to sort by; a complex attribute stands for its `value` sub-attribute. */
export function resolveSortPath(rt: ResourceTypeDef, sortBy: string): ResolvedPath | undefined {
  const path = resolvePath(rt, splitPath(sortBy));
  if (!path || path.sub !== undefined || path.attribute.type !== 'complex') return path;
  const value = path.attribute.subByLower?.get('value');
  return value ? { ...path, sub: value } : undefined;
}

/** The sort key of a resource (its SCIM representation, canonical casing). */
export function sortKeyOf(resource: Readonly<Record<string, unknown>>, spec: SortSpec): SortKey {
  const { path } = spec;
  const holder = path.extension === undefined ? resource : (resource[path.extension] as Record<string, unknown> | undefined);
  let value = holder?.[path.attribute.name];
  if (Array.isArray(value)) {
    const primary = value.find((v) => typeof v === 'object' && v !== null && (v as { primary?: unknown }).primary === true);
    value = primary ?? value[0];
  }
  if (path.sub) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[path.sub.name] : undefined;
  return toKey(value, path.sub ?? path.attribute);
}

function toKey(value: unknown, def: AttributeDef): SortKey {
  if (value === undefined || value === null) return undefined;
  switch (def.type) {
    case 'dateTime':
      return typeof value === 'string' ? parseInstant(value) : undefined;
    case 'integer':
    case 'decimal':
      return typeof value === 'number' ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? Number(value) : undefined;
    default:
      if (typeof value !== 'string') return undefined;
      return def.caseExact ? value : value.toLowerCase();
  }
}

/** Orders two keys ascending, missing values last; the caller reverses for descending. */
export function compareKeys(a: SortKey, b: SortKey): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}
