// A non-unique equality index over one attribute path (e.g. emails.value, externalId): each value,
// folded to lower case unless the attribute is caseExact, maps to the set of ids holding it.
import type { ResolvedPath } from '../../schema/paths.ts';
import { formatPath } from '../../schema/paths.ts';
import type { ResourceData } from '../store.ts';

export class ValueIndex {
  readonly name: string;
  private readonly caseExact: boolean;
  // Most values belong to one resource: the id itself is stored, and a Set only when a second
  // resource shares the value (a one-element Set costs ~150 bytes per user per index).
  private readonly byValue = new Map<string, string | Set<string>>();

  constructor(readonly path: ResolvedPath) {
    this.name = formatPath(path);
    this.caseExact = (path.sub ?? path.attribute).caseExact;
  }

  key(value: string): string {
    return this.caseExact ? value : value.toLowerCase();
  }

  /** Every indexable value of `data` at this path. */
  private keysOf(data: ResourceData): string[] {
    const holder = this.path.extension === undefined ? data : (data[this.path.extension] as ResourceData | undefined);
    const raw = holder?.[this.path.attribute.name];
    const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    const keys: string[] = [];
    for (const v of values) {
      const leaf = this.path.sub ? (v as Record<string, unknown> | null)?.[this.path.sub.name] : v;
      if (typeof leaf === 'string') keys.push(this.key(leaf));
    }
    return keys;
  }

  lookup(value: string): readonly string[] {
    const ids = this.byValue.get(this.key(value));
    return ids === undefined ? [] : typeof ids === 'string' ? [ids] : [...ids];
  }

  add(data: ResourceData, id: string): void {
    for (const k of this.keysOf(data)) {
      const ids = this.byValue.get(k);
      if (ids === undefined) this.byValue.set(k, id);
      else if (typeof ids === 'string') {
        if (ids !== id) this.byValue.set(k, new Set([ids, id]));
      } else ids.add(id);
    }
  }

  remove(data: ResourceData, id: string): void {
    for (const k of this.keysOf(data)) {
      const ids = this.byValue.get(k);
      if (ids === id) this.byValue.delete(k);
      else if (ids instanceof Set) {
        ids.delete(id);
        if (ids.size === 1) this.byValue.set(k, ids.values().next().value!);
      }
    }
  }
}
