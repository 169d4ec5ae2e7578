// From a filter's attribute path to the values it addresses in a resource. Paths are resolved
// once, when a filter is compiled; the returned readers only walk plain objects.
//
// An unknown attribute is a 400 invalidFilter naming it: the attributes a filter may use are those
// /Schemas publishes, so a typo is reported instead of silently matching nothing (RFC 7644
// §3.4.2.2: "the specified attribute and filter comparison combination is not supported").
import { ScimError, excerpt } from '../errors.ts';
import type { AttributeDef, ResourceTypeDef } from '../schema/attributes.ts';
import { formatPath, resolvePath, type AttrPath, type ResolvedPath } from '../schema/paths.ts';
import { printAttrPath } from './print.ts';

export type Resource = Readonly<Record<string, unknown>>;

/**
 * Where a path is resolved: against the resource type, or, inside a value path's brackets,
 * against the sub-attributes of the bracketed complex attribute.
 */
export type Scope = { readonly rt: ResourceTypeDef } | { readonly parent: ResolvedPath };

export interface Target {
  /** The attribute whose type and caseExact govern comparisons (the sub-attribute if any). */
  readonly def: AttributeDef;
  readonly resolved: ResolvedPath;
  /** Canonical path text for error details. */
  readonly label: string;
  /** Every value the path addresses in one resource (or one element, inside brackets), flattened. */
  readonly read: (holder: Resource) => unknown[];
}

/**
 * "schemas" is on every resource (RFC 7643 §3) and RFC 7644 §3.4.2.2 filters on it
 * (`schemas eq "urn:...:enterprise:2.0:User"`), but it is not an attribute of any schema.
 */
export const SCHEMAS_ATTRIBUTE: AttributeDef = {
  name: 'schemas',
  type: 'reference',
  multiValued: true,
  description: 'The schema URIs of the resource.',
  required: true,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'always',
  uniqueness: 'none',
  referenceTypes: ['uri'],
};

/** resolvePath plus the "schemas" pseudo-attribute; undefined when the path names nothing. */
export function lookupPath(rt: ResourceTypeDef, path: AttrPath): ResolvedPath | undefined {
  const found = resolvePath(rt, path);
  if (found) return found;
  if (path.urn === undefined && path.sub === undefined && path.attr.toLowerCase() === 'schemas') {
    return { schema: rt.schema, attribute: SCHEMAS_ATTRIBUTE };
  }
  return undefined;
}

/** lookupPath, or a 400 invalidFilter naming the unknown attribute. */
export function resolveFilterPath(rt: ResourceTypeDef, path: AttrPath): ResolvedPath {
  const found = lookupPath(rt, path);
  if (!found) throw unknownAttribute(printAttrPath(path), rt.name);
  return found;
}

/**
 * Resolves `path` in `scope`. For a comparison (`forComparison`), a complex attribute written
 * without a sub-attribute stands for its "value" sub-attribute, as in RFC 7644 §3.4.2.2's
 * `emails co "example.com"`; presence tests keep the complex values themselves.
 */
export function resolveTarget(scope: Scope, path: AttrPath, forComparison: boolean): Target {
  let resolved = 'rt' in scope ? resolveFilterPath(scope.rt, path) : resolveSub(scope.parent, path);
  if (forComparison && resolved.sub === undefined && resolved.attribute.type === 'complex') {
    const value = resolved.attribute.subByLower?.get('value');
    if (value) resolved = { ...resolved, sub: value };
  }
  const { attribute, sub } = resolved;
  const label = formatPath(resolved);
  if ('parent' in scope) {
    // Inside brackets the holder is one element of the parent attribute.
    return { def: sub ?? attribute, resolved, label, read: (el) => asArray(el[(sub ?? attribute).name]) };
  }
  const read = sub
    ? (r: Resource) => subValues(asArray(topValue(r, resolved)), sub.name)
    : (r: Resource) => asArray(topValue(r, resolved));
  return { def: sub ?? attribute, resolved, label, read };
}

/** A bracketed attribute must be complex: its filter is about the sub-attributes of each value. */
export function resolveValuePathParent(rt: ResourceTypeDef, path: AttrPath): ResolvedPath {
  const parent = resolveFilterPath(rt, path);
  if (parent.attribute.type !== 'complex' || parent.sub !== undefined) {
    throw new ScimError(400, `${formatPath(parent)} is not a complex attribute; it cannot take a [filter]`, 'invalidFilter');
  }
  return parent;
}

function resolveSub(parent: ResolvedPath, path: AttrPath): ResolvedPath {
  // The parser only produces bare names here; a hand-built tree may not.
  const bare = path.urn === undefined && path.sub === undefined;
  const sub = bare ? parent.attribute.subByLower?.get(path.attr.toLowerCase()) : undefined;
  if (!sub) throw unknownAttribute(`${formatPath(parent)}.${printAttrPath(path)}`, undefined);
  return { ...parent, sub };
}

/** The attribute's raw value; extension attributes live under their schema URN (RFC 7643 §3.3). */
export function topValue(resource: Resource, path: ResolvedPath): unknown {
  const holder = path.extension === undefined ? resource : resource[path.extension];
  return isObject(holder) ? holder[path.attribute.name] : undefined;
}

/** One value or many, as a list; absent and null are no values. */
export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function subValues(elements: unknown[], name: string): unknown[] {
  const out: unknown[] = [];
  for (const element of elements) {
    // A loop rather than push(...values): spreading a huge array would overflow the stack.
    if (isObject(element)) for (const value of asArray(element[name])) out.push(value);
  }
  return out;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownAttribute(path: string, resourceType: string | undefined): ScimError {
  const where = resourceType ? ` for ${resourceType} resources` : '';
  // The path is client input: quote enough of it to show a schema URN and name, no more.
  return new ScimError(400, `Unknown attribute '${excerpt(path, 100)}' in filter${where}`, 'invalidFilter');
}
