// Request normalisation, run before validation (RFC 7643 §2.1, §2.5):
// - attribute names are case-insensitive: `{"UserName": "x"}` becomes `{"userName": "x"}`;
// - `null`, and an empty array for a multi-valued attribute, mean "unassigned": dropped;
// - readOnly attributes sent by a client (id, meta, groups, ...) are ignored (RFC 7644 §3.3, §3.5.1);
// - attributes that no schema declares are ignored and not stored (a documented choice: Entra ID and
//   Okta send attributes a server may not support, and must not fail on them).
// The result is built from the registry's canonical names only, so keys such as `__proto__` or
// `constructor` can never reach an object.
import type { AttributeDef, ResourceTypeDef } from './attributes.ts';

export type ScimObject = Record<string, unknown>;

export interface NormalizeOptions {
  /** Keep readOnly attributes (used when normalising stored or server-built data). */
  readonly keepReadOnly?: boolean;
}

/** The extension URN keys of a resource type, keyed by lower case. */
function extensionKeys(rt: ResourceTypeDef): Map<string, ResourceTypeDef['extensions'][number]> {
  return new Map(rt.extensions.map((e) => [e.schema.id.toLowerCase(), e]));
}

const extensionCache = new WeakMap<ResourceTypeDef, ReturnType<typeof extensionKeys>>();

/** Normalises a resource body sent by a client. Non-object input is returned unchanged for the validator to reject. */
export function normalizeResource(rt: ResourceTypeDef, body: unknown, options: NormalizeOptions = {}): unknown {
  if (!isPlainObject(body)) return body;
  let extensions = extensionCache.get(rt);
  if (!extensions) {
    extensions = extensionKeys(rt);
    extensionCache.set(rt, extensions);
  }
  const out: ScimObject = {};
  for (const key of Object.keys(body)) {
    const value = body[key];
    if (value === null || value === undefined) continue;
    const lower = key.toLowerCase();
    if (lower === 'schemas') {
      out.schemas = value;
      continue;
    }
    const ext = extensions.get(lower);
    if (ext) {
      const inner = normalizeAttributes(ext.schema.byLower, value, options);
      if (inner !== undefined) out[ext.schema.id] = inner;
      continue;
    }
    const attr = rt.schema.byLower.get(lower) ?? rt.common.get(lower);
    if (!attr) continue;
    const normalized = normalizeValue(attr, value, options);
    if (normalized !== undefined) out[attr.name] = normalized;
  }
  return out;
}

function normalizeAttributes(
  byLower: ReadonlyMap<string, AttributeDef>,
  value: unknown,
  options: NormalizeOptions,
): unknown {
  if (!isPlainObject(value)) return value;
  const out: ScimObject = {};
  for (const key of Object.keys(value)) {
    const attr = byLower.get(key.toLowerCase());
    if (!attr) continue;
    const normalized = normalizeValue(attr, value[key], options);
    if (normalized !== undefined) out[attr.name] = normalized;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Normalises one attribute's value; undefined means "unassigned". */
export function normalizeValue(attr: AttributeDef, value: unknown, options: NormalizeOptions = {}): unknown {
  if (value === null || value === undefined) return undefined;
  if (attr.mutability === 'readOnly' && !options.keepReadOnly) return undefined;
  if (attr.multiValued) {
    if (!Array.isArray(value)) return attr.type === 'complex' ? normalizeComplex(attr, value, options) : value;
    const items: unknown[] = [];
    for (const item of value) {
      const n = attr.type === 'complex' ? normalizeComplex(attr, item, options) : item;
      if (n !== null && n !== undefined) items.push(n);
    }
    return items.length > 0 ? items : undefined;
  }
  return attr.type === 'complex' ? normalizeComplex(attr, value, options) : value;
}

function normalizeComplex(attr: AttributeDef, value: unknown, options: NormalizeOptions): unknown {
  if (!attr.subByLower) return value;
  return normalizeAttributes(attr.subByLower, value, options);
}

export function isPlainObject(value: unknown): value is ScimObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
