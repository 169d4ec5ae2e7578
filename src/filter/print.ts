// Canonical filter text for a syntax tree: lower-case keywords, single spaces, JSON literals, and
// parentheses only where precedence or the tree's shape needs them, so that
// parseFilter(printFilter(ast)) deep-equals ast. Used for logs, cursors and tests.
import type { AttrPath } from '../schema/paths.ts';
import { chainOperands, type CompValue, type Filter, type LogicalFilter } from './ast.ts';

export function printFilter(filter: Filter): string {
  switch (filter.kind) {
    case 'compare':
      return `${printAttrPath(filter.path)} ${filter.op} ${printValue(filter.value)}`;
    case 'present':
      return `${printAttrPath(filter.path)} pr`;
    case 'not':
      return `not (${printFilter(filter.filter)})`;
    case 'valuePath':
      return `${printAttrPath(filter.path)}[${printFilter(filter.filter)}]`;
    case 'and':
    case 'or':
      return printChain(filter);
  }
}

/**
 * A left-deep chain prints flat (`a and b and c`). An operand needs parentheses when it binds
 * more loosely ("or" inside "and", RFC 7644 §3.4.2.2 precedence) or when it is a same-kind chain
 * hanging on the right, which only parentheses can reproduce.
 */
function printChain(filter: LogicalFilter): string {
  const operands = chainOperands(filter);
  return operands
    .map((operand, i) => {
      const text = printFilter(operand);
      const looser = filter.kind === 'and' && operand.kind === 'or';
      const rightNested = i > 0 && operand.kind === filter.kind;
      return looser || rightNested ? `(${text})` : text;
    })
    .join(` ${filter.kind} `);
}

export function printAttrPath(path: AttrPath): string {
  const base = path.urn === undefined ? path.attr : `${path.urn}:${path.attr}`;
  return path.sub === undefined ? base : `${base}.${path.sub}`;
}

/** compValue as JSON (RFC 7644 §3.4.2.2 "rules from JSON"); -0 keeps its sign. */
export function printValue(value: CompValue): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError('a filter number must be finite');
    return Object.is(value, -0) ? '-0' : String(value);
  }
  return JSON.stringify(value);
}
