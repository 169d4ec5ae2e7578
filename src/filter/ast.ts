// The filter syntax tree (RFC 7644 §3.4.2.2). One node type per construct of the ABNF; grouping
// parentheses leave no node behind because they only steer precedence. The tree is shared by the
// in-memory evaluator, the printer, the PATCH path parser and the SQL compiler, so it carries no
// schema knowledge: paths are kept exactly as the client spelled them.
import type { AttrPath } from '../schema/paths.ts';

export type { AttrPath };

/** compareOp of the ABNF (RFC 7644 §3.4.2.2, Table 3); `pr` is its own node kind. */
export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export const COMPARE_OPS: readonly CompareOp[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];

/** compValue: `false / null / true / number / string`, "rules from JSON (RFC 7159)". */
export type CompValue = string | number | boolean | null;

/** `attrPath SP compareOp SP compValue` */
export interface CompareFilter {
  readonly kind: 'compare';
  readonly path: AttrPath;
  readonly op: CompareOp;
  readonly value: CompValue;
}

/** `attrPath SP "pr"` */
export interface PresentFilter {
  readonly kind: 'present';
  readonly path: AttrPath;
}

/** `FILTER SP "and" SP FILTER`. Chains are left-deep: `a and b and c` is and(and(a, b), c). */
export interface AndFilter {
  readonly kind: 'and';
  readonly left: Filter;
  readonly right: Filter;
}

/** `FILTER SP "or" SP FILTER`, left-deep like `and`. */
export interface OrFilter {
  readonly kind: 'or';
  readonly left: Filter;
  readonly right: Filter;
}

/** `"not" "(" FILTER ")"` */
export interface NotFilter {
  readonly kind: 'not';
  readonly filter: Filter;
}

/**
 * `attrPath "[" valFilter "]"`. `path` never has a sub-attribute, and the paths inside `filter`
 * are bare sub-attribute names of that (complex) attribute: "FILTER uses sub-attributes of a
 * parent attrPath" (RFC 7644 §3.4.2.2).
 */
export interface ValuePathFilter {
  readonly kind: 'valuePath';
  readonly path: AttrPath;
  readonly filter: Filter;
}

export type Filter = CompareFilter | PresentFilter | AndFilter | OrFilter | NotFilter | ValuePathFilter;
export type LogicalFilter = AndFilter | OrFilter;
export type FilterKind = Filter['kind'];

/** One handler per node kind; `visit` dispatches to it. Handlers recurse themselves if they want to. */
export type FilterVisitor<R> = { readonly [K in FilterKind]: (node: Extract<Filter, { kind: K }>) => R };

export function visit<R>(filter: Filter, visitor: FilterVisitor<R>): R {
  // The cast is safe: the mapped type pairs each kind with the handler for exactly that node type.
  return (visitor[filter.kind] as (node: Filter) => R)(filter);
}

/**
 * The operands of a chain of one logical operator, left to right, walking the left spine
 * iteratively. Parsed chains are left-deep and may hold about a thousand terms within the input
 * size limit, so consumers should use this rather than recursing on `left`. A right operand of
 * the same kind (only possible in hand-built trees, printed as `a and (b and c)`) stays one operand.
 */
export function chainOperands(filter: LogicalFilter): Filter[] {
  const rights: Filter[] = [];
  let node: Filter = filter;
  while (node.kind === filter.kind) {
    const logical = node as LogicalFilter;
    rights.push(logical.right);
    node = logical.left;
  }
  rights.push(node);
  return rights.reverse();
}

/** Builds a left-deep chain from two or more operands, the shape the parser produces. */
export function chain(kind: LogicalFilter['kind'], operands: readonly Filter[]): Filter {
  if (operands.length === 0) throw new RangeError('a logical chain needs at least one operand');
  let result = operands[0];
  for (let i = 1; i < operands.length; i++) result = { kind, left: result, right: operands[i] };
  return result;
}
