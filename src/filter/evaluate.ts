// Compiles a filter tree into a predicate over resources: every path is resolved and every
// comparator chosen once, so evaluating many resources does no schema look-ups and can only fail
// at compile time (always with 400 invalidFilter). Resources are expected in canonical casing.
//
// Semantics (RFC 7644 §3.4.2.2 unless noted):
// - "If the specified attribute in a filter expression is a multi-valued attribute, the filter
//   matches if any of the values of the specified attribute match the specified criterion."
// - `ne` is evaluated as `not eq`. So a missing attribute matches `ne` (it is "not identical" to
//   any value), and a multi-valued attribute matches `ne` only when none of its values is equal.
//   The SQL compiler must translate `ne` the same way (NOT EXISTS ... eq).
// - `pr`: "If the attribute has a non-empty value, or if it contains a non-empty node for complex
//   attributes, there is a match." undefined, null, "" and [] are empty; a complex value is empty
//   when none of its sub-attributes is present.
// - `eq null` means "not present" and `ne null` means "present" (null is how RFC 7643 §2.5 says
//   "unassigned"); any other operator with null is invalidFilter.
// - `attr[filter]` matches when one value of attr satisfies the whole bracketed filter.
// - and/or chains compile to arrays, so evaluation depth follows nesting, not chain length.
import { ScimError } from '../errors.ts';
import type { ResourceTypeDef } from '../schema/attributes.ts';
import type { ResolvedPath } from '../schema/paths.ts';
import { chainOperands, type CompareFilter, type Filter } from './ast.ts';
import { comparatorFor, type ComparatorOptions } from './compare.ts';
import {
  asArray,
  isObject,
  resolveTarget,
  resolveValuePathParent,
  topValue,
  type Resource,
  type Scope,
} from './resolve.ts';

export type Predicate = (resource: Resource) => boolean;
export type CompileOptions = ComparatorOptions;

/** Compiles `filter` for resources of type `rt`; throws ScimError 400 invalidFilter. */
export function compileFilter(filter: Filter, rt: ResourceTypeDef, options: CompileOptions = {}): Predicate {
  return compile(filter, { rt }, options);
}

/**
 * Compiles the bracketed filter of a value path (`emails[type eq "work"]`) into a test of one
 * element of the multi-valued attribute `parent`. PATCH paths select the values they act on with it.
 */
export function compileElementFilter(filter: Filter, parent: ResolvedPath, options: CompileOptions = {}): Predicate {
  return compile(filter, { parent }, options);
}

/** Convenience for one-off checks; compile once with compileFilter when filtering many resources. */
export function matchesFilter(resource: Resource, filter: Filter, rt: ResourceTypeDef, options?: CompileOptions): boolean {
  return compileFilter(filter, rt, options)(resource);
}

function compile(node: Filter, scope: Scope, options: CompileOptions): Predicate {
  switch (node.kind) {
    case 'and': {
      const parts = chainOperands(node).map((operand) => compile(operand, scope, options));
      return (r) => parts.every((part) => part(r));
    }
    case 'or': {
      const parts = chainOperands(node).map((operand) => compile(operand, scope, options));
      return (r) => parts.some((part) => part(r));
    }
    case 'not': {
      const inner = compile(node.filter, scope, options);
      return (r) => !inner(r);
    }
    case 'present': {
      const target = resolveTarget(scope, node.path, false);
      return (r) => target.read(r).some(isPresent);
    }
    case 'compare':
      return compileComparison(node, scope, options);
    case 'valuePath': {
      // The parser never nests value paths; a hand-built tree that does is still a client error.
      if (!('rt' in scope)) throw new ScimError(400, 'Value paths cannot be nested', 'invalidFilter');
      const parent = resolveValuePathParent(scope.rt, node.path);
      const inner = compile(node.filter, { parent }, options);
      return (r) => asArray(topValue(r, parent)).some((element) => isObject(element) && inner(element));
    }
  }
}

function compileComparison(node: CompareFilter, scope: Scope, options: CompileOptions): Predicate {
  if (node.value === null) {
    if (node.op !== 'eq' && node.op !== 'ne') {
      throw new ScimError(400, `null can only be used with 'eq' (absent) or 'ne' (present), not '${node.op}'`, 'invalidFilter');
    }
    const target = resolveTarget(scope, node.path, false);
    const present: Predicate = (r) => target.read(r).some(isPresent);
    return node.op === 'ne' ? present : (r) => !present(r);
  }
  const target = resolveTarget(scope, node.path, true);
  const test = comparatorFor(target.def, node.op === 'ne' ? 'eq' : node.op, node.value, target.label, options);
  const any: Predicate = (r) => target.read(r).some(test);
  return node.op === 'ne' ? (r) => !any(r) : any;
}

/**
 * `pr` for one value. SCIM values nest at most two levels (a multi-valued complex attribute holds
 * objects of simple values, RFC 7643 §2.3.8), so anything deeper is ignored rather than walked.
 */
export function isPresent(value: unknown): boolean {
  return present(value, 0);
}

function present(value: unknown, depth: number): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return depth < 3 && value.some((v) => present(v, depth + 1));
  if (isObject(value)) return depth < 3 && Object.values(value).some((v) => present(v, depth + 1));
  return true;
}
