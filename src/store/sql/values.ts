// Where the values of an attribute path live in SQL, and how a test applies to "any of them"
// (RFC 7644 §3.4.2.2: a multi-valued attribute matches when any of its values does). A resource's
// SCIM view (src/store/view.ts) is spread over several places:
// - its attributes, in the JSON `data` document (extension attributes under their schema URN);
// - id and meta, in columns (meta.location is not part of the view, so it is never there);
// - schemas, derived from which extensions `data` holds;
// - Group.members and User.groups, derived from the membership table (derived.ts).
import { SCHEMAS_ATTRIBUTE } from '../../filter/index.ts';
import type { AttributeDef, ResourceTypeDef } from '../../schema/attributes.ts';
import type { ResolvedPath } from '../../schema/paths.ts';
import { DERIVED_ATTRIBUTES } from '../view.ts';
import type { AddParam, SqlDialect } from './dialect.ts';
import { groupsOf, membersOf } from './derived.ts';

/** One value as SQL sees it. */
export type Value<R> =
  /** A JSON value inside a document (possibly missing). */
  | { readonly kind: 'json'; readonly ref: R }
  /** An SQL text expression (NULL when absent). */
  | { readonly kind: 'text'; readonly sql: string }
  /** A dateTime column kept both as text and as epoch milliseconds. */
  | { readonly kind: 'instant'; readonly text: string; readonly ms: string }
  /** A value known when the query is compiled (undefined: absent). */
  | { readonly kind: 'const'; readonly value: unknown }
  /** A complex value held in columns, by lower-cased sub-attribute name. */
  | { readonly kind: 'row'; readonly fields: ReadonlyMap<string, Value<R>> };

export interface Context<R> {
  readonly dialect: SqlDialect<R>;
  readonly rt: ResourceTypeDef;
  readonly param: AddParam;
  /** A fresh alias for a subquery's table. */
  alias(prefix: string): string;
  /** Set when the SQL reads the groups CTE, which the statement must then define. */
  usesGroups: boolean;
}

export function createContext<R>(dialect: SqlDialect<R>, rt: ResourceTypeDef, param: AddParam): Context<R> {
  let n = 0;
  return { dialect, rt, param, alias: (prefix) => `${prefix}${++n}`, usesGroups: false };
}

/** Builds "some value satisfies `test`". */
export type AnyOf<R> = (test: (value: Value<R>) => string) => string;

export const TRUE = 'TRUE';
export const FALSE = 'FALSE';

/** The values a resolved path addresses in the row aliased `r`. */
export function valuesOf<R>(ctx: Context<R>, path: ResolvedPath): AnyOf<R> {
  const { attribute, sub } = path;
  const pick = (v: Value<R>) => (sub ? subValue(ctx.dialect, v, sub) : v);
  if (path.extension === undefined) {
    if (attribute === SCHEMAS_ATTRIBUTE) return schemasOf(ctx);
    const common = ctx.rt.common.get(attribute.name.toLowerCase()) === attribute;
    if (common && attribute.name === 'id') return (test) => test({ kind: 'text', sql: 'r.id' });
    if (common && attribute.name === 'meta') return (test) => test(pick(metaOf(ctx)));
    if (!common && DERIVED_ATTRIBUTES.has(attribute.name)) {
      const rows = attribute.name === 'members' ? membersOf(ctx) : groupsOf(ctx);
      return (test) => rows((row) => test(pick(row)));
    }
  }
  const d = ctx.dialect;
  const root = d.doc('r');
  const ref = d.child(path.extension === undefined ? root : d.child(root, path.extension), attribute.name);
  if (!attribute.multiValued) return (test) => test(pick({ kind: 'json', ref }));
  return (test) => d.someElement(ref, ctx.alias('e'), (element) => test(pick({ kind: 'json', ref: element })));
}

/** Sub-attribute `def` of a complex value. */
export function subValue<R>(dialect: SqlDialect<R>, value: Value<R>, def: AttributeDef): Value<R> {
  switch (value.kind) {
    case 'json':
      return { kind: 'json', ref: dialect.child(value.ref, def.name) };
    case 'row':
      return value.fields.get(def.name.toLowerCase()) ?? { kind: 'const', value: undefined };
    case 'const': {
      const v = value.value;
      return { kind: 'const', value: typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[def.name] : undefined };
    }
    default:
      return { kind: 'const', value: undefined };
  }
}

/** meta as the view has it: resourceType, created, lastModified, version (no location). */
export function metaOf<R>(ctx: Context<R>): Value<R> {
  return {
    kind: 'row',
    fields: new Map<string, Value<R>>([
      ['resourcetype', { kind: 'const', value: ctx.rt.name }],
      ['created', { kind: 'instant', text: 'r.created', ms: 'r.created_ms' }],
      ['lastmodified', { kind: 'instant', text: 'r.last_modified', ms: 'r.modified_ms' }],
      ['version', { kind: 'text', sql: 'r.version' }],
    ]),
  };
}

/** schemas: the core schema, plus each extension whose key `data` holds. Known URNs, so a test on
 * one is decided now; only "is the extension there" is left to SQL. */
function schemasOf<R>(ctx: Context<R>): AnyOf<R> {
  const d = ctx.dialect;
  return (test) => {
    const core = test({ kind: 'const', value: ctx.rt.schema.id });
    const terms = [core];
    for (const ext of ctx.rt.extensions) {
      const t = test({ kind: 'const', value: ext.schema.id });
      if (t !== FALSE) terms.push(`(${d.has(d.child(d.doc('r'), ext.schema.id))} AND ${t})`);
    }
    return `(${terms.join(' OR ')})`;
  };
}
