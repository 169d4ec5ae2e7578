// Sorting in SQL with the semantics of src/query/sort.ts: one key per resource (a multi-valued
// attribute's primary value, else its first), typed per attribute (folded text unless caseExact,
// instants for dateTimes, 0/1 for booleans), missing keys last ascending and first descending,
// ties by creation sequence. The cursor keyset continues strictly after {key, seq} in that order.
import type { AttributeDef } from '../../schema/attributes.ts';
import type { CursorPosition } from '../../query/cursor.ts';
import type { SortSpec } from '../../query/sort.ts';
import { DERIVED_ATTRIBUTES } from '../view.ts';
import { firstGroup, firstMember } from './derived.ts';
import { metaOf, subValue, type Context, type Value } from './values.ts';

export interface SortKeySql {
  /** The key expression over the row `r`; NULL when the resource has no key. */
  readonly sql: string;
  readonly kind: 'text' | 'number';
}

export function sortKey<R>(ctx: Context<R>, spec: SortSpec): SortKeySql {
  const { attribute, sub, extension } = spec.path;
  const d = ctx.dialect;
  let value: Value<R>;
  const common = extension === undefined && ctx.rt.common.get(attribute.name.toLowerCase()) === attribute;
  if (common && attribute.name === 'id') value = { kind: 'text', sql: 'r.id' };
  else if (common && attribute.name === 'meta') value = metaOf(ctx);
  else if (!common && extension === undefined && DERIVED_ATTRIBUTES.has(attribute.name)) {
    value = attribute.name === 'members' ? firstMember<R>() : firstGroup(d);
  } else {
    const root = d.doc('r');
    const ref = d.child(extension === undefined ? root : d.child(root, extension), attribute.name);
    value = { kind: 'json', ref: attribute.multiValued ? d.primaryOrFirst(ref, ctx.alias('p')) : ref };
  }
  if (sub) value = subValue(d, value, sub);
  return keyOf(ctx, value, sub ?? attribute);
}

/** toKey of src/query/sort.ts in SQL. */
function keyOf<R>(ctx: Context<R>, value: Value<R>, def: AttributeDef): SortKeySql {
  const d = ctx.dialect;
  const text = (sql: string): SortKeySql => ({ kind: 'text', sql: d.orderText(def.caseExact ? sql : d.fold(sql)) });
  const none: SortKeySql = { kind: def.type === 'string' || def.type === 'reference' || def.type === 'binary' ? 'text' : 'number', sql: 'NULL' };
  switch (value.kind) {
    case 'const': {
      const v = value.value;
      if (typeof v !== 'string' || none.kind !== 'text') return none;
      return { kind: 'text', sql: d.orderText(ctx.param(def.caseExact ? v : v.toLowerCase(), 'text')) };
    }
    case 'row':
      return none;
    case 'instant':
      return def.type === 'dateTime' ? { kind: 'number', sql: value.ms } : text(value.text);
    case 'text':
      if (def.type === 'dateTime') return { kind: 'number', sql: d.instant(value.sql) };
      return none.kind === 'text' ? text(value.sql) : none;
    case 'json': {
      const ref = value.ref;
      switch (def.type) {
        case 'dateTime':
          return { kind: 'number', sql: d.instant(`(CASE WHEN ${d.isString(ref)} THEN ${d.text(ref)} END)`) };
        case 'integer':
        case 'decimal':
          return { kind: 'number', sql: d.number(ref) };
        case 'boolean':
          return { kind: 'number', sql: `(CASE WHEN ${d.isBoolean(ref, true)} THEN 1 WHEN ${d.isBoolean(ref, false)} THEN 0 END)` };
        case 'complex':
          return none;
        default:
          return text(`(CASE WHEN ${d.isString(ref)} THEN ${d.text(ref)} END)`);
      }
    }
  }
}

/** ORDER BY over a subquery `alias` exposing `sort_key` and `seq`. */
export function orderBy(key: SortKeySql | undefined, descending: boolean, orderText: (s: string) => string, alias = 's'): string {
  if (!key) return `${alias}.seq`;
  const k = keyColumn(key, orderText, alias);
  return descending ? `${k} DESC NULLS FIRST, ${alias}.seq` : `${k} ASC NULLS LAST, ${alias}.seq`;
}

/** Rows strictly after `after` in the order above (compareKeys with missing keys greatest). */
export function keyset<R>(
  ctx: Context<R>,
  key: SortKeySql | undefined,
  descending: boolean,
  after: CursorPosition,
): string {
  const seq = ctx.param(after.seq, 'integer');
  if (!key) return `s.seq > ${seq}`;
  const k = keyColumn(key, ctx.dialect.orderText);
  if (after.key === undefined) return descending ? `(${k} IS NOT NULL OR s.seq > ${seq})` : `(${k} IS NULL AND s.seq > ${seq})`;
  const p = key.kind === 'text' ? ctx.dialect.orderText(ctx.param(String(after.key), 'text')) : ctx.param(Number(after.key), 'number');
  return descending
    ? `(${k} < ${p} OR (${k} = ${p} AND s.seq > ${seq}))`
    : `(${k} > ${p} OR (${k} = ${p} AND s.seq > ${seq}) OR ${k} IS NULL)`;
}

function keyColumn(key: SortKeySql, orderText: (s: string) => string, alias = 's'): string {
  return key.kind === 'text' ? orderText(`${alias}.sort_key`) : `${alias}.sort_key`;
}
