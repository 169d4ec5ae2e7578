// The attribute paths a SQL store indexes, per resource type: the unique attributes (409
// uniqueness, RFC 7643 §2.2) and the lookup indexes the memory store keeps (DEFAULT_INDEXES:
// what identity providers look resources up by). A key is a string value at the path, folded to
// lower case unless the attribute is caseExact, exactly as the memory store's indexes key them.
import type { ResourceTypeDef } from '../../schema/attributes.ts';
import { formatPath, resolvePath, splitPath, type ResolvedPath } from '../../schema/paths.ts';
import type { SchemaRegistry } from '../../schema/registry.ts';
import { DEFAULT_INDEXES } from '../memory/memory-store.ts';
import type { ResourceData } from '../store.ts';

export interface KeyedPath {
  readonly rt: ResourceTypeDef;
  readonly path: ResolvedPath;
  /** Canonical path text, e.g. emails.value */
  readonly name: string;
  readonly unique: boolean;
  readonly caseExact: boolean;
}

export function keyedPaths(registry: SchemaRegistry, indexes = DEFAULT_INDEXES): KeyedPath[] {
  const out: KeyedPath[] = [];
  for (const rt of registry.resourceTypes) {
    const seen = new Set<string>();
    const add = (path: ResolvedPath, unique: boolean) => {
      const name = formatPath(path);
      if (seen.has(name)) return;
      seen.add(name);
      out.push({ rt, path, name, unique, caseExact: (path.sub ?? path.attribute).caseExact });
    };
    // RFC 7643 §2.2 uniqueness "server" or "global": the same attributes the memory store enforces.
    for (const a of rt.schema.attributes) {
      if (a.uniqueness !== 'none' && !a.multiValued && a.type !== 'complex') add({ schema: rt.schema, attribute: a }, true);
    }
    for (const text of indexes[rt.name] ?? []) {
      const path = resolvePath(rt, splitPath(text));
      if (!path) throw new Error(`Cannot index ${rt.name}.${text}: no such attribute`);
      if (path.attribute.type === 'complex' && !path.sub) throw new Error(`Cannot index ${rt.name}.${text}: name a sub-attribute`);
      add(path, false);
    }
  }
  return out;
}

/** Every key `data` has at a path (ValueIndex.keysOf and UniqueIndex of the memory store). */
export function keysOf(kp: KeyedPath, data: ResourceData): string[] {
  const { path } = kp;
  const holder = path.extension === undefined ? data : (data[path.extension] as ResourceData | undefined);
  const raw = holder?.[path.attribute.name];
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const keys = new Set<string>();
  for (const v of values) {
    const leaf = path.sub ? (v as Record<string, unknown> | null)?.[path.sub.name] : v;
    if (typeof leaf === 'string') keys.add(kp.caseExact ? leaf : leaf.toLowerCase());
  }
  return [...keys];
}

/** The 409 every store gives for a taken unique value. */
export function uniquenessMessage(attribute: string, value: unknown): string {
  return `${attribute} "${String(value).slice(0, 100)}" is already taken`;
}
