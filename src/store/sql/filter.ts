// The filter AST (src/filter/ast.ts) compiled to one parameterised SQL boolean over the row `r`.
// Literals are always parameters; only schema names are written into the SQL (names.ts).
//
// The JS compiler runs first, on the same tree: it rejects every invalid filter with exactly the
// 400 invalidFilter the memory store gives, so this compiler only sees valid filters. Semantics
// (see src/filter/evaluate.ts): and/or/not as in JS (NULL never escapes a NOT); `ne` is
// `not eq` (so it matches missing attributes); `eq null` is "not present", `ne null` "present";
// `attr[filter]` needs one value of attr to satisfy the whole bracketed filter.
import {
  chainOperands,
  comparatorFor,
  compileFilter,
  resolveTarget,
  resolveValuePathParent,
  type Filter,
  type Scope,
} from '../../filter/index.ts';
import type { ResolvedPath } from '../../schema/paths.ts';
import { compareValue, presentValue } from './compare.ts';
import { FALSE, subValue, valuesOf, type AnyOf, type Context, type Value } from './values.ts';

/** Where paths resolve: the resource, or inside brackets one element of the parent attribute. */
type SqlScope<R> = { readonly rt: Context<R>['rt'] } | { readonly parent: ResolvedPath; readonly element: Value<R> };

export function compileWhere<R>(ctx: Context<R>, filter: Filter): string {
  compileFilter(filter, ctx.rt); // validation only: same errors as the memory store
  return node(ctx, filter, { rt: ctx.rt });
}

function node<R>(ctx: Context<R>, filter: Filter, scope: SqlScope<R>): string {
  switch (filter.kind) {
    case 'and':
    case 'or':
      // chainOperands: chains are long and left-deep; recursion follows nesting only.
      return `(${chainOperands(filter).map((f) => node(ctx, f, scope)).join(filter.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return negate(node(ctx, filter.filter, scope));
    case 'present': {
      const target = resolveTarget(jsScope(scope), filter.path, false);
      return values(ctx, scope, target.resolved)((v) => presentValue(ctx, v, target.def));
    }
    case 'compare': {
      if (filter.value === null) {
        const target = resolveTarget(jsScope(scope), filter.path, false);
        const present = values(ctx, scope, target.resolved)((v) => presentValue(ctx, v, target.def));
        return filter.op === 'ne' ? present : negate(present);
      }
      const target = resolveTarget(jsScope(scope), filter.path, true);
      const op = filter.op === 'ne' ? 'eq' : filter.op;
      const test = comparatorFor(target.def, op, filter.value, target.label);
      const literal = filter.value;
      const any = values(ctx, scope, target.resolved)((v) => compareValue(ctx, v, target.def, op, literal, test));
      return filter.op === 'ne' ? negate(any) : any;
    }
    case 'valuePath': {
      if (!('rt' in scope)) return FALSE; // nested brackets: the JS compiler has already refused them
      const parent = resolveValuePathParent(scope.rt, filter.path);
      return valuesOf(ctx, parent)((element) => {
        const inner = node(ctx, filter.filter, { parent, element });
        return element.kind === 'json' ? `(${ctx.dialect.isObject(element.ref)} AND ${inner})` : inner;
      });
    }
  }
}

function jsScope<R>(scope: SqlScope<R>): Scope {
  return 'rt' in scope ? { rt: scope.rt } : { parent: scope.parent };
}

/** At the top, every value of the path; inside brackets, the one sub-attribute of the element. */
function values<R>(ctx: Context<R>, scope: SqlScope<R>, resolved: ResolvedPath): AnyOf<R> {
  if ('rt' in scope) return valuesOf(ctx, resolved);
  const sub = resolved.sub ?? resolved.attribute;
  return (test) => test(subValue(ctx.dialect, scope.element, sub));
}

/** Two-valued NOT: an unknown (NULL) operand counts as false, as a missing value does in JS. */
export function negate(sql: string): string {
  return `(NOT coalesce(${sql}, FALSE))`;
}
