// The expression indexes behind the keyed paths (sql/keys.ts), and the condition a filter adds to
// use them. An index holds the MD5 of each (folded) string value rather than the value itself:
// btree and GIN entries must fit in a third of a page, and a SCIM value may be megabytes long.
// Uniqueness is therefore a unique index on the MD5 of the folded value: two different values
// conflict only if their MD5s collide. A lookup by MD5 is only a necessary condition; the compiled
// filter still compares the values themselves.
import type { KeyedPath } from '../sql/keys.ts';
import { literal } from '../sql/names.ts';
import type { AddParam } from '../sql/dialect.ts';
import { pgDialect } from './dialect.ts';

export interface KeyExpression {
  readonly sql: string;
  readonly method: 'btree' | 'gin';
}

/** The indexed expression over the row aliased `alias` ('' in index definitions). */
export function keyExpression(kp: KeyedPath, alias: string): KeyExpression {
  const d = pgDialect;
  const { path } = kp;
  const root = d.doc(alias);
  const attr = d.child(path.extension === undefined ? root : d.child(root, path.extension), path.attribute.name);
  if (path.attribute.multiValued) {
    if (!path.sub) throw new Error(`Cannot index ${kp.rt.name}.${kp.name}: a multi-valued index needs a sub-attribute`);
    return { sql: `scim_keys(${attr.json}, ${literal(path.sub.name)}, ${!kp.caseExact})`, method: 'gin' };
  }
  const text = d.text(path.sub ? d.child(attr, path.sub.name) : attr);
  return { sql: `md5(${kp.caseExact ? text : d.fold(text)})`, method: 'btree' };
}

/** `the row has this key`, in the form its index answers. */
export function keyCondition(kp: KeyedPath, value: string, add: AddParam): string {
  const expression = keyExpression(kp, 'r');
  const key = `md5(${kp.caseExact ? add(value, 'text') : pgDialect.foldedParam(value, add)})`;
  return expression.method === 'gin' ? `(${expression.sql} @> ARRAY[${key}])` : `(${expression.sql} = ${key})`;
}
