// Finds an equality term a store can answer from an index before evaluating the whole filter.
// The term is a necessary condition: every resource the filter matches has a value at `path`
// equal to `value` (folded to lower case when the attribute is not caseExact), so the store may
// narrow candidates to the index hit and must still run the compiled filter on them.
import type { ResourceTypeDef } from '../schema/attributes.ts';
import type { ResolvedPath } from '../schema/paths.ts';
import { chainOperands, type Filter } from './ast.ts';
import { lookupPath } from './resolve.ts';

export interface IndexableEquality {
  /** The attribute path; `emails eq "x"` is reported as emails.value, the sub-attribute it means. */
  readonly path: ResolvedPath;
  /** The literal as written; compare per `(path.sub ?? path.attribute).caseExact`. */
  readonly value: string;
}

/**
 * The first string equality of a top-level `eq`, or of a top-level `and` chain, e.g.
 * `userName eq "bjensen"`, `emails.value eq "a@x" and active eq true`, or the `value eq` inside
 * `emails[type eq "work" and value eq "a@x"]`. Terms under or/not never qualify (they are not
 * necessary conditions). `accept` limits the choice to paths the store has an index for (e.g.
 * `(p) => indexed.has(formatPath(p))`). Undefined when there is none, or when a path does not
 * resolve (compileFilter reports that).
 */
export function indexableEquality(
  filter: Filter,
  rt: ResourceTypeDef,
  accept: (path: ResolvedPath) => boolean = () => true,
): IndexableEquality | undefined {
  for (const term of andTerms(filter)) {
    if (term.kind === 'compare') {
      const found = equality(term, lookupPath(rt, term.path));
      if (found && accept(found.path)) return found;
    } else if (term.kind === 'valuePath') {
      const parent = lookupPath(rt, term.path);
      if (!parent || parent.sub !== undefined || parent.attribute.type !== 'complex') continue;
      for (const inner of andTerms(term.filter)) {
        if (inner.kind !== 'compare') continue;
        const sub = parent.attribute.subByLower?.get(inner.path.attr.toLowerCase());
        const found = sub && equality(inner, { ...parent, sub });
        if (found && accept(found.path)) return found;
      }
    }
  }
  return undefined;
}

function andTerms(filter: Filter): Filter[] {
  return filter.kind === 'and' ? chainOperands(filter) : [filter];
}

function equality(term: Filter & { kind: 'compare' }, path: ResolvedPath | undefined): IndexableEquality | undefined {
  if (!path || term.op !== 'eq' || typeof term.value !== 'string') return undefined;
  let resolved = path;
  if (resolved.sub === undefined && resolved.attribute.type === 'complex') {
    const value = resolved.attribute.subByLower?.get('value');
    if (!value) return undefined;
    resolved = { ...resolved, sub: value };
  }
  const leaf = resolved.sub ?? resolved.attribute;
  // Only text keys: the evaluator compares other types (dateTime instants, Entra's "True")
  // differently from their literal text.
  if (leaf.type !== 'string' && leaf.type !== 'reference') return undefined;
  return { path: resolved, value: term.value };
}
