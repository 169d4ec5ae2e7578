// A non-unique equality index over one attribute path (e.g. emails.value, externalId): each value,
// folded to lower case unless the attribute is caseExact, maps to the ids holding it.
import type { ResolvedPath } from '../../schema/paths.ts';
import { formatPath } from '../../schema/paths.ts';
import type { ResourceData } from '../store.ts';
import { queryKey, storedKey } from './case-key.ts';
import { MultiMap } from './multimap.ts';

export class ValueIndex {
  readonly name: string;
  private readonly caseExact: boolean;
  private readonly byValue = new MultiMap();

  constructor(readonly path: ResolvedPath) {
    this.name = formatPath(path);
    this.caseExact = (path.sub ?? path.attribute).caseExact;
  }

  /** Every indexable value of `data` at this path. */
  private keysOf(data: ResourceData): string[] {
    const holder = this.path.extension === undefined ? data : (data[this.path.extension] as ResourceData | undefined);
    const raw = holder?.[this.path.attribute.name];
    const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    const keys: string[] = [];
    for (const v of values) {
      const leaf = this.path.sub ? (v as Record<string, unknown> | null)?.[this.path.sub.name] : v;
      if (typeof leaf === 'string') keys.push(storedKey(leaf, this.caseExact));
    }
    return keys;
  }

  lookup(value: string): readonly string[] {
    return this.byValue.get(queryKey(value, this.caseExact));
  }

  add(data: ResourceData, id: string): void {
    for (const k of this.keysOf(data)) this.byValue.add(k, id);
  }

  remove(data: ResourceData, id: string): void {
    for (const k of this.keysOf(data)) this.byValue.delete(k, id);
  }
}
