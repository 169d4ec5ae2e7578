// PATCH paths (RFC 7644 §3.5.2): `attr`, `attr.sub`, `attr[filter]`, `attr[filter].sub`, each
// optionally URN-qualified, or an extension URN alone. Resolved once against the registry; any
// part that names nothing is invalidPath.
import { excerpt, ScimError } from '../errors.ts';
import { compileElementFilter, parsePatchPath, type Filter } from '../filter/index.ts';
import type { AttributeDef, ResourceTypeDef, SchemaDef } from '../schema/attributes.ts';
import { formatPath, resolvePath, schemaForUrn, type ResolvedPath } from '../schema/paths.ts';
import type { PatchDialects } from './dialects.ts';
import { invalidPath } from './errors.ts';

export interface AttributeTarget {
  readonly kind: 'attribute';
  /** The attribute, and its sub-attribute for `attr.sub`. */
  readonly path: ResolvedPath;
  /** `attr[filter]`: the filter, and a test of one value of attr. */
  readonly filter?: Filter;
  readonly matches?: (element: Record<string, unknown>) => boolean;
  /** `attr[filter].sub` */
  readonly sub?: AttributeDef;
}

/** The whole extension object, e.g. path "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User". */
export interface ExtensionTarget {
  readonly kind: 'extension';
  readonly schema: SchemaDef;
}

export type PatchTarget = AttributeTarget | ExtensionTarget;

/** The attribute a target finally writes: the sub-attribute when there is one. */
export function leafOf(t: AttributeTarget): AttributeDef {
  return t.sub ?? t.path.sub ?? t.path.attribute;
}

export function describeTarget(t: AttributeTarget): string {
  return t.sub ? `${formatPath(t.path)}[...].${t.sub.name}` : formatPath(t.path);
}

export function parseTarget(rt: ResourceTypeDef, text: string, dialects: PatchDialects): PatchTarget {
  const ext = schemaForUrn(rt, text.trim());
  if (ext?.extension) return { kind: 'extension', schema: ext.schema };
  const parsed = parsePatchPath(text);
  const path = resolvePath(rt, parsed.path);
  if (!path) throw invalidPath(`Unknown attribute '${excerpt(text, 100)}'`);
  if (!parsed.filter) return { kind: 'attribute', path };
  if (!path.attribute.multiValued || path.attribute.type !== 'complex' || path.sub) {
    throw invalidPath(`${formatPath(path)} is not a multi-valued complex attribute; it cannot take a [filter]`);
  }
  let matches: AttributeTarget['matches'];
  try {
    matches = compileElementFilter(parsed.filter, path, { lenientBooleans: dialects.stringBooleans });
  } catch (err) {
    // A value filter that names nothing is a bad path (RFC 7644 Table 9, invalidPath).
    if (err instanceof ScimError) throw invalidPath(err.detail);
    throw err;
  }
  let sub: AttributeDef | undefined;
  if (parsed.sub !== undefined) {
    sub = path.attribute.subByLower?.get(parsed.sub.toLowerCase());
    if (!sub) throw invalidPath(`${path.attribute.name} has no sub-attribute '${parsed.sub.slice(0, 60)}'`);
  }
  return { kind: 'attribute', path, filter: parsed.filter, matches, ...(sub ? { sub } : {}) };
}
