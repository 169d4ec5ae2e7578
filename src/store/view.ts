// The SCIM representation of a stored row that filters and sorts read: data plus id and meta, and
// the derived member lists only when the query mentions them (building them costs per member).
import { chainOperands, type Filter } from '../filter/index.ts';
import type { StoredResource, Member } from './store.ts';

export type View = Record<string, unknown>;

/** Attributes a store keeps outside `data` (Store contract): Group.members and the derived User.groups. */
export const DERIVED_ATTRIBUTES: ReadonlySet<string> = new Set(['members', 'groups']);

export interface Derived {
  /** The schema URNs the resource carries (core plus each extension present). */
  schemas?: (data: StoredResource['data']) => string[];
  members?: (id: string) => readonly Member[];
  groups?: (id: string) => readonly { value: string; display?: string; type: 'direct' | 'indirect' }[];
}

export function viewOf(resource: StoredResource, derived: Derived): View {
  const view: View = {
    ...resource.data,
    ...(derived.schemas ? { schemas: derived.schemas(resource.data) } : {}),
    id: resource.id,
    meta: {
      resourceType: resource.resourceType,
      created: resource.created,
      lastModified: resource.lastModified,
      version: resource.version,
    },
  };
  if (derived.members) view.members = derived.members(resource.id);
  if (derived.groups) view.groups = derived.groups(resource.id);
  return view;
}

/** Top-level attribute names (lower case) a filter reads. */
export function attributesIn(filter: Filter | undefined, out = new Set<string>()): Set<string> {
  if (!filter) return out;
  switch (filter.kind) {
    case 'and':
    case 'or':
      for (const operand of chainOperands(filter)) attributesIn(operand, out);
      return out;
    case 'not':
      return attributesIn(filter.filter, out);
    default:
      out.add(filter.path.attr.toLowerCase());
      return out;
  }
}
