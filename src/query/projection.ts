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

/** Attributes of a resource type in output order, per container, computed once per type. */
interface Layout {
  /** Common and core attributes. */
  readonly core: readonly AttributeDef[];
  readonly extensions: readonly { readonly id: string; readonly attributes: readonly AttributeDef[] }[];
  /**
   * The default projection (no attributes/excludedAttributes): which top-level attributes appear,
   * and whether each can be copied whole because none of its sub-attributes is withheld by default.
   * Most reads use it, so it spares the per-sub-attribute checks.
   */
  readonly byDefault: readonly { readonly container: string; readonly attr: AttributeDef; readonly whole: boolean }[];
}

const layouts = new WeakMap<ResourceTypeDef, Layout>();

function layoutOf(rt: ResourceTypeDef): Layout {
  let layout = layouts.get(rt);
  if (layout) return layout;
  const core = [...rt.common.values(), ...rt.schema.attributes];
  const extensions = rt.extensions.map((e) => ({ id: e.schema.id, attributes: e.schema.attributes }));
  const shown = (a: AttributeDef) => a.returned !== 'never' && a.returned !== 'request';
  const entry = (container: string) => (attr: AttributeDef) => ({ container, attr, whole: (attr.subAttributes ?? []).every(shown) });
  const byDefault = [
    ...core.filter(shown).map(entry('')),
    ...extensions.flatMap((e) => e.attributes.filter(shown).map(entry(e.id))),
  ];
  layout = { core, extensions, byDefault };
  layouts.set(rt, layout);
  return layout;
}

/** Applies a projection to a full SCIM representation; returns a new object. */
export function applyProjection(rt: ResourceTypeDef, resource: ScimObject, p: Projection): ScimObject {
  const layout = layoutOf(rt);
  const out: ScimObject = { schemas: resource.schemas };
  if (p === NO_PROJECTION) {
    for (const { container, attr, whole } of layout.byDefault) {
      const from = container === '' ? resource : (resource[container] as ScimObject | undefined);
      const value = from?.[attr.name];
      if (value === undefined) continue;
      const to = container === '' ? out : ((out[container] as ScimObject | undefined) ?? (out[container] = {}));
      if (whole) to[attr.name] = value;
      else copyAttributes([attr], from!, to, p, container);
    }
    for (const ext of layout.extensions) if (out[ext.id] && Object.keys(out[ext.id] as object).length === 0) delete out[ext.id];
    return out;
  }
  copyAttributes(layout.core, resource, out, p, '');
  for (const ext of layout.extensions) {
    const value = resource[ext.id];
    if (value === undefined) continue;
    const inner: ScimObject = {};
    copyAttributes(ext.attributes, value as ScimObject, inner, p, ext.id);
    if (Object.keys(inner).length > 0) out[ext.id] = inner;
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
