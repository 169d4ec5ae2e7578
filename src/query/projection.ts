// `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9) combined with each attribute's
// `returned` characteristic (RFC 7643 §2.2): always -> even when excluded; never -> not at all;
// request -> only when named in `attributes`; default -> unless excluded or another list is asked.
import type { AttributeDef, ResourceTypeDef } from '../schema/attributes.ts';
import { resolvePath, splitPath } from '../schema/paths.ts';
import type { ScimObject } from '../schema/normalize.ts';

/** Attribute selection keyed by container ('' for core and common, else the extension URN). */
type Selection = Map<string, Map<string, Set<string> | 'whole'>>;

export interface Projection {
  readonly include?: Selection;
  /** Extensions named as a whole in `attributes`. */
  readonly includeExtensions?: ReadonlySet<string>;
  readonly exclude?: Selection;
}

export const NO_PROJECTION: Projection = {};

function parseList(rt: ResourceTypeDef, list: string | readonly string[] | undefined): {
  selection: Selection;
  extensions: Set<string>;
} | undefined {
  if (list === undefined) return undefined;
  const items = (typeof list === 'string' ? list.split(',') : list).map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) return undefined;
  const selection: Selection = new Map();
  const extensions = new Set<string>();
  for (const item of items) {
    const ext = rt.extensions.find((e) => e.schema.id.toLowerCase() === item.toLowerCase());
    if (ext) {
      extensions.add(ext.schema.id);
      continue;
    }
    // Unknown attributes in a projection are ignored: they select nothing (RFC 7644 is silent).
    const resolved = resolvePath(rt, splitPath(item));
    if (!resolved) continue;
    const container = resolved.extension ?? '';
    let attrs = selection.get(container);
    if (!attrs) selection.set(container, (attrs = new Map()));
    const name = resolved.attribute.name;
    if (!resolved.sub) {
      attrs.set(name, 'whole');
    } else {
      const existing = attrs.get(name);
      if (existing === 'whole') continue;
      const subs = existing ?? new Set<string>();
      subs.add(resolved.sub.name);
      attrs.set(name, subs);
    }
  }
  return { selection, extensions };
}

/** Builds a projection; RFC 7644 §3.4.2.5 lets a client send one list or the other. */
export function parseProjection(
  rt: ResourceTypeDef,
  attributes: string | readonly string[] | undefined,
  excludedAttributes: string | readonly string[] | undefined,
): Projection {
  const include = parseList(rt, attributes);
  if (include) return { include: include.selection, includeExtensions: include.extensions };
  const exclude = parseList(rt, excludedAttributes);
  if (exclude) {
    for (const urn of exclude.extensions) exclude.selection.set(urn, new Map([['*', 'whole']]));
    return { exclude: exclude.selection };
  }
  return NO_PROJECTION;
}

/** Whether an attribute will appear in the output; lets the serializer skip costly ones (members). */
export function wantsAttribute(p: Projection, attr: AttributeDef, container = ''): boolean {
  if (attr.returned === 'never') return false;
  if (attr.returned === 'always') return true;
  if (p.include) {
    return p.include.get(container)?.has(attr.name) === true || (container !== '' && p.includeExtensions!.has(container));
  }
  if (attr.returned === 'request') return false;
  const excluded = p.exclude?.get(container);
  return !(excluded?.get(attr.name) === 'whole' || excluded?.get('*') === 'whole');
}

function wantsSub(p: Projection, attr: AttributeDef, sub: AttributeDef, container: string): boolean {
  if (sub.returned === 'never') return false;
  if (sub.returned === 'always') return true;
  if (p.include) {
    const sel = p.include.get(container)?.get(attr.name);
    if (sel === undefined) return container !== '' && p.includeExtensions!.has(container) && sub.returned !== 'request';
    return sel === 'whole' ? sub.returned !== 'request' : sel.has(sub.name);
  }
  if (sub.returned === 'request') return false;
  const sel = p.exclude?.get(container)?.get(attr.name);
  return !(sel instanceof Set && sel.has(sub.name));
}

/** Applies a projection to a full SCIM representation; returns a new object. */
export function applyProjection(rt: ResourceTypeDef, resource: ScimObject, p: Projection): ScimObject {
  const out: ScimObject = { schemas: resource.schemas };
  copyAttributes([...rt.common.values(), ...rt.schema.attributes], resource, out, p, '');
  for (const ext of rt.extensions) {
    const value = resource[ext.schema.id];
    if (value === undefined) continue;
    const inner: ScimObject = {};
    copyAttributes(ext.schema.attributes, value as ScimObject, inner, p, ext.schema.id);
    if (Object.keys(inner).length > 0) out[ext.schema.id] = inner;
  }
  return out;
}

function copyAttributes(
  attrs: readonly AttributeDef[],
  from: ScimObject,
  to: ScimObject,
  p: Projection,
  container: string,
): void {
  for (const attr of attrs) {
    const value = from[attr.name];
    if (value === undefined || !wantsAttribute(p, attr, container)) continue;
    if (!attr.subAttributes) {
      to[attr.name] = value;
      continue;
    }
    const pick = (item: ScimObject): ScimObject | undefined => {
      const o: ScimObject = {};
      for (const sub of attr.subAttributes!) {
        if (item[sub.name] !== undefined && wantsSub(p, attr, sub, container)) o[sub.name] = item[sub.name];
      }
      return Object.keys(o).length > 0 ? o : undefined;
    };
    if (Array.isArray(value)) {
      const items = (value as ScimObject[]).map(pick).filter((v): v is ScimObject => v !== undefined);
      if (items.length > 0) to[attr.name] = items;
    } else {
      const o = pick(value as ScimObject);
      if (o) to[attr.name] = o;
    }
  }
}
