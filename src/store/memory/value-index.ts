// A non-unique equality index over one attribute path (e.g. emails.value, externalId): each value,
// folded to lower case unless the attribute is caseExact, maps to the set of ids holding it.
import type { ResolvedPath } from '../../schema/paths.ts';
import { formatPath } from '../../schema/paths.ts';
import type { ResourceData } from '../store.ts';

export class ValueIndex {
  readonly name: string;
  private readonly caseExact: boolean;
  private readonly byValue = new Map<string, Set<string>>();

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

  lookup(value: string): ReadonlySet<string> | undefined {
    return this.byValue.get(this.key(value));
  }

  add(data: ResourceData, id: string): void {
    for (const k of this.keysOf(data)) {
      let ids = this.byValue.get(k);
      if (!ids) this.byValue.set(k, (ids = new Set()));
      ids.add(id);
    }
  }

  remove(data: ResourceData, id: string): void {
    for (const k of this.keysOf(data)) {
      const ids = this.byValue.get(k);
      if (!ids) continue;
      ids.delete(id);
      if (ids.size === 0) this.byValue.delete(k);
    }
  }
}
