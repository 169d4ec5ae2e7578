// Attribute paths (RFC 7644 §3.10): `[schemaURN ":"] attrName ["." subAttrName]`, resolved
// case-insensitively (RFC 7643 §2.1) against one resource type's schemas.
import type { AttributeDef, ResourceTypeDef, SchemaDef } from './attributes.ts';

/** A path as a client wrote it. */
export interface AttrPath {
  readonly urn?: string;
  readonly attr: string;
  readonly sub?: string;
}

/** A path resolved against the registry, in canonical spelling. */
export interface ResolvedPath {
  /** The schema the attribute belongs to (core schema for common attributes too). */
  readonly schema: SchemaDef;
  /** The key under which an extension's attributes are nested in a resource; undefined for core. */
  readonly extension?: string;
  readonly attribute: AttributeDef;
  readonly sub?: AttributeDef;
}

const URN_PREFIX = /^urn:/i;

/**
 * Splits `urn:...:User:name.givenName` into its parts. The attribute name is the text after the
 * last colon (ATTRNAME cannot contain one), so dots inside the URN (`2.0`) are never mistaken for
 * a sub-attribute separator.
 */
export function splitPath(text: string): AttrPath {
  let urn: string | undefined;
  let rest = text;
  if (URN_PREFIX.test(text)) {
    const colon = text.lastIndexOf(':');
    urn = text.slice(0, colon);
    rest = text.slice(colon + 1);
  }
  const dot = rest.indexOf('.');
  if (dot < 0) return urn === undefined ? { attr: rest } : { urn, attr: rest };
  const attr = rest.slice(0, dot);
  const sub = rest.slice(dot + 1);
  return urn === undefined ? { attr, sub } : { urn, attr, sub };
}

/** The schema a URN names within a resource type, or undefined. Comparison is case-insensitive. */
export function schemaForUrn(
  rt: ResourceTypeDef,
  urn: string,
): { schema: SchemaDef; extension?: string } | undefined {
  const lower = urn.toLowerCase();
  if (rt.schema.id.toLowerCase() === lower) return { schema: rt.schema };
  for (const ext of rt.extensions) {
    if (ext.schema.id.toLowerCase() === lower) return { schema: ext.schema, extension: ext.schema.id };
  }
  return undefined;
}

/** Resolves a path against a resource type; undefined when any part names nothing. */
export function resolvePath(rt: ResourceTypeDef, path: AttrPath): ResolvedPath | undefined {
  const attrLower = path.attr.toLowerCase();
  let schema = rt.schema;
  let extension: string | undefined;
  let attribute: AttributeDef | undefined;
  if (path.urn !== undefined) {
    const found = schemaForUrn(rt, path.urn);
    if (!found) return undefined;
    schema = found.schema;
    extension = found.extension;
    attribute = schema.byLower.get(attrLower) ?? (extension ? undefined : rt.common.get(attrLower));
  } else {
    attribute = rt.schema.byLower.get(attrLower) ?? rt.common.get(attrLower);
  }
  if (!attribute) return undefined;
  if (path.sub === undefined) return { schema, extension, attribute };
  const sub = attribute.subByLower?.get(path.sub.toLowerCase());
  if (!sub) return undefined;
  return { schema, extension, attribute, sub };
}

/** The canonical text of a resolved path, as used in error details and projections. */
export function formatPath(p: ResolvedPath): string {
  const base = p.extension ? `${p.extension}:${p.attribute.name}` : p.attribute.name;
  return p.sub ? `${base}.${p.sub.name}` : base;
}
